// Placeholder until the screen is built.
export function InvoiceListPage(_props: Record<string, unknown> = {}) {
  return <h1>InvoiceListPage</h1>;
}
