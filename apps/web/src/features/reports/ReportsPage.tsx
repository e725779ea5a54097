// Placeholder until the screen is built.
export function ReportsPage(_props: Record<string, unknown> = {}) {
  return <h1>ReportsPage</h1>;
}
