/** Creditors: linked once per organisation number; linking again answers the existing creditor. */
import { newId } from '../identity';
import { type Tx } from '../state/store';
import { type Address, type CreditorRecord } from '../state/types';

export interface CreditorInput {
  organizationNumber: string;
  name: string;
  address: Address;
  reminderFeeAgreed: boolean;
}

export function findCreditorByOrganisationNumber(tx: Tx, organizationNumber: string): CreditorRecord | undefined {
  return Object.values(tx.state.creditors).find((creditor) => creditor.organizationNumber === organizationNumber);
}

/** The existing creditor (unchanged: the first link's terms stand) or a new one. */
export function linkCreditor(tx: Tx, input: CreditorInput): { creditor: CreditorRecord; created: boolean } {
  const existing = findCreditorByOrganisationNumber(tx, input.organizationNumber);
  if (existing) return { creditor: existing, created: false };
  const creditor: CreditorRecord = { id: newId('cr'), created: tx.now, updated: tx.now, version: 1, ...input };
  tx.put('creditors', creditor.id, creditor);
  return { creditor, created: true };
}
