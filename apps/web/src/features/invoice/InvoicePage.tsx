// Placeholder until the screen is built.
export function InvoicePage(_props: Record<string, unknown> = {}) {
  return <h1>InvoicePage</h1>;
}
