/** The invoice commands and queries these screens use, on the typed client; commands carry If-Match with the version the user saw. */
import { type ApiClient, type Schemas, unwrap } from '../../api/client';
import { type Invoice, ifMatch } from './model';

export type CaseView = Schemas['CaseView'];
export type AuditEntry = Schemas['AuditEntryDto'];

const path = (invoiceNumber: string) => ({ invoiceNumber });

export function loadInvoice(api: ApiClient, invoiceNumber: string): Promise<Invoice> {
  return unwrap(api.GET('/api/invoices/{invoiceNumber}', { params: { path: path(invoiceNumber) } }));
}

export async function previewSending(api: ApiClient, invoiceNumbers: string[]): Promise<Schemas['SendingPreviewItemDto'][]> {
  const items: Schemas['SendingPreviewItemDto'][] = [];
  // The API previews at most 500 at a time.
  for (let start = 0; start < invoiceNumbers.length; start += 500) {
    const page = await unwrap(api.POST('/api/reminder-cases/preview', { body: { invoiceNumbers: invoiceNumbers.slice(start, start + 500) } }));
    items.push(...page.items);
  }
  return items;
}

/** With the version the user saw when it is known (If-Match), and always with the claim they confirmed. */
export function sendToReminderHandling(api: ApiClient, invoice: { invoiceNumber: string; version?: number }, confirmedClaimOre: number): Promise<{ caseId: string }> {
  const version = invoice.version;
  return unwrap(
    api.POST('/api/invoices/{invoiceNumber}/reminder-case', {
      params: { path: path(invoice.invoiceNumber), ...(version !== undefined ? { header: { 'If-Match': ifMatch({ version }) } } : {}) },
      // The API takes an optional {confirmedClaimOre} here, but its OpenAPI document lists no request body
      // for this endpoint (so the generated type is `never`): sent as the API expects it.
      body: { confirmedClaimOre } as never,
    }),
  );
}

export function closeCase(api: ApiClient, invoice: Invoice, reason: string): Promise<Invoice> {
  return unwrap(
    api.POST('/api/invoices/{invoiceNumber}/reminder-case/close', {
      params: { path: path(invoice.invoiceNumber), header: { 'If-Match': ifMatch(invoice) } },
      body: { reason },
    }),
  );
}

export function pauseCase(api: ApiClient, invoice: Invoice, until: string, reason: string): Promise<Invoice> {
  return unwrap(
    api.POST('/api/invoices/{invoiceNumber}/reminder-case/pause', {
      params: { path: path(invoice.invoiceNumber), header: { 'If-Match': ifMatch(invoice) } },
      body: { until, ...(reason ? { reason } : {}) },
    }),
  );
}

export function resumeCase(api: ApiClient, invoice: Invoice): Promise<Invoice> {
  return unwrap(
    api.POST('/api/invoices/{invoiceNumber}/reminder-case/resume', {
      params: { path: path(invoice.invoiceNumber), header: { 'If-Match': ifMatch(invoice) } },
    }),
  );
}

export function creditInvoice(api: ApiClient, invoice: Invoice, reason: string): Promise<Invoice> {
  return unwrap(
    api.POST('/api/invoices/{invoiceNumber}/credit', {
      params: { path: path(invoice.invoiceNumber), header: { 'If-Match': ifMatch(invoice) } },
      body: reason ? { reason } : {},
    }),
  );
}

/** The payments endpoint takes no If-Match: a payment is a fact, checked against what remains instead. */
export async function registerPayment(api: ApiClient, invoice: Invoice, payment: { amountOre: number; paidOn: string; reference?: string }): Promise<Invoice> {
  const result = await unwrap(api.POST('/api/invoices/{invoiceNumber}/payments', { params: { path: path(invoice.invoiceNumber) }, body: payment }));
  return result.invoice;
}

export function activate(api: ApiClient, termsVersion: string) {
  return unwrap(api.POST('/api/activation', { body: { termsVersion, accepted: true } }));
}

export function loadCase(api: ApiClient, caseId: string): Promise<CaseView> {
  return unwrap(api.GET('/api/cases/{caseId}', { params: { path: { caseId } } }));
}

export async function loadCaseEvents(api: ApiClient, caseId: string): Promise<AuditEntry[]> {
  return (await unwrap(api.GET('/api/cases/{caseId}/events', { params: { path: { caseId } } }))).events;
}
