/**
 * The cases of each creditor's invoice (registration refuses a second open case for one invoice; an action may
 * name its case by invoice number): kept up to date from the records transactions change, so that neither
 * looks at every case.
 */
import { type Dirty } from './serialiser';
import { type StateIndex, type Tx } from './store';
import { type CaseRecord, type SandboxState } from './types';

class CasesByInvoice implements StateIndex {
  private readonly byInvoice = new Map<string, Set<string>>();
  /** Where each case is filed (a case's creditor and invoice number never change). */
  private readonly filedUnder = new Map<string, string>();

  constructor(state: Readonly<SandboxState>) {
    for (const record of Object.values(state.cases)) this.file(record);
  }

  update(state: Readonly<SandboxState>, dirty: Dirty): void {
    for (const id of dirty.get('cases') ?? []) {
      const record = state.cases[id];
      if (record) this.file(record);
      else this.unfile(id);
    }
  }

  ids(creditor: string, invoiceNumber: string): ReadonlySet<string> {
    return this.byInvoice.get(keyOf(creditor, invoiceNumber)) ?? new Set();
  }

  private file(record: CaseRecord): void {
    if (this.filedUnder.has(record.id)) return;
    const key = keyOf(record.creditor, record.invoiceNumber);
    this.filedUnder.set(record.id, key);
    let ids = this.byInvoice.get(key);
    if (!ids) this.byInvoice.set(key, (ids = new Set()));
    ids.add(record.id);
  }

  private unfile(id: string): void {
    const key = this.filedUnder.get(id);
    if (key === undefined) return;
    this.filedUnder.delete(id);
    this.byInvoice.get(key)?.delete(id);
  }
}

const keyOf = (creditor: string, invoiceNumber: string): string => `${creditor}\n${invoiceNumber}`;

/** The creditor's cases for the invoice, this transaction's own new ones included. */
export function casesOfInvoice(tx: Tx, creditor: string, invoiceNumber: string): CaseRecord[] {
  const index = tx.index('cases-by-invoice', (state) => new CasesByInvoice(state));
  return [...index.ids(creditor, invoiceNumber)].map((id) => tx.state.cases[id]!);
}
