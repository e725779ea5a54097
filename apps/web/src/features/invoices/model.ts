/** The invoice list's vocabulary: statuses with their chip colours, the actions, and a few pure helpers. */
import { type Schemas } from '../../api/client';

export type Invoice = Schemas['InvoiceView'];
export type InvoiceStatus = Invoice['status'];
export type InvoiceAction = Invoice['allowedActions'][number];
export type PreviewItem = Schemas['SendingPreviewItemDto'];
export type Fee = Schemas['FeeDto'];

/** Every status an invoice can show, in the order the status filter offers them. */
export const INVOICE_STATUSES: readonly InvoiceStatus[] = [
  'not_due',
  'overdue',
  'requested',
  'registered',
  'reminder_sent',
  'debt_collection',
  'decision_required',
  'enforcement',
  'surveillance',
  'disputed',
  'paused',
  'needs_attention',
  'paid',
  'closed',
  'rejected',
  'credited',
  'written_off',
];

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

/** The chip colour of each status; the label always says what it means, the colour only helps. */
export const STATUS_TONE: Record<InvoiceStatus, Tone> = {
  not_due: 'muted',
  overdue: 'warn',
  requested: 'info',
  registered: 'info',
  reminder_sent: 'info',
  debt_collection: 'warn',
  decision_required: 'warn',
  enforcement: 'bad',
  surveillance: 'warn',
  disputed: 'bad',
  paused: 'muted',
  paid: 'ok',
  closed: 'muted',
  rejected: 'bad',
  credited: 'muted',
  written_off: 'bad',
  needs_attention: 'bad',
};

export function isInvoiceStatus(value: string): value is InvoiceStatus {
  return (INVOICE_STATUSES as readonly string[]).includes(value);
}

/** The If-Match header for a command on what the user saw. */
export const ifMatch = (invoice: Pick<Invoice, 'version'>): string => `"${invoice.version}"`;

/** Today's date in Sweden (YYYY-MM-DD), whatever the browser's time zone. */
export function stockholmToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** A YYYY-MM-DD date moved by whole days (calendar arithmetic in UTC, no time zone surprises). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
