// Placeholder until the screen is built.
export function PaymentsPage(_props: Record<string, unknown> = {}) {
  return <h1>PaymentsPage</h1>;
}
