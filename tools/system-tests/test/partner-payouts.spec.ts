/**
 * The partner's payouts across the real processes: the debtor pays the partner, our invoice turns paid with
 * the partner as the actor, the partner pays the capital and interest out to the company, our API polls the
 * payout, and the bank transfer that brings it (a camt.054 in the inbox folder, its reference as the OCR)
 * settles it and books it: 1930 the whole transfer, 1510 the capital, 8313 the interest. Also when the bank
 * file comes before our poll has seen the payout: the payment waits in the queue and leaves it by itself.
 */
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testFiles } from '@pm/bank-files';
import { type SieVoucher, readSie } from '@pm/sie';
import { type System, activatedCompany, invoice, startSystem, until } from './support/processes';

const ORG = '556036-0793';
const BANKGIRO = '5677-5612';
/** Everything the sandbox moves by its clock, and every poll and import, gets this long. */
const LONG = 30_000;

/** Decimal SEK with at most two decimals (the partner's amounts) → öre, without floating-point surprises. */
const toOre = (sek: number) => Math.round(sek * 100);
/** Öre → the decimal SEK of a bank file ("1253.29"). */
const toSek = (ore: number) => `${Math.floor(ore / 100)}.${String(ore % 100).padStart(2, '0')}`;
/** The partner's RFC 1123 date at midnight GMT → YYYY-MM-DD. */
const isoDay = (rfc1123: string) => new Date(rfc1123).toISOString().slice(0, 10);

interface PartnerPayout {
  _id: string;
  creditor: string;
  payout_date: string;
  amount: number;
  reference: string;
  items: Array<{ case: string; invoice_number: string; payment: string; capital: number; interest: number }>;
}

interface OurPayout {
  payoutId: string;
  payoutDate: string;
  amountOre: number;
  reference: string;
  status: 'announced' | 'received';
  paymentId: string | null;
  receivedOn: string | null;
  items: Array<{ partnerCaseId: string; invoiceNumber: string; partnerPaymentId: string; capitalOre: number; interestOre: number }>;
}

/** What one test needs to follow an invoice from the debtor's payment at the partner to the books. */
class PayoutRun {
  constructor(
    readonly system: System,
    readonly token: string,
  ) {}

  invoice = async (number: string) => (await this.system.call('GET', `/api/invoices/${number}`, this.token)).body;

  payouts = async (): Promise<OurPayout[]> => {
    const answer = await this.system.call('GET', '/api/payments/payouts', this.token);
    if (answer.status !== 200) throw new Error(`GET /api/payments/payouts answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };

  unmatched = async (): Promise<{ items: Array<Record<string, unknown>>; total: number }> => {
    const answer = await this.system.call('GET', '/api/payments/unmatched', this.token);
    if (answer.status !== 200) throw new Error(`GET /api/payments/unmatched answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };

  ourPayout = async (payoutId: string, status?: OurPayout['status']) => {
    const payout = (await this.payouts()).find((p) => p.payoutId === payoutId);
    return payout && (!status || payout.status === status) ? payout : undefined;
  };

  /**
   * An overdue invoice goes to reminder handling, the sandbox's clock runs on (so dröjsmålsränta accrues),
   * and the debtor pays the partner in full. Our invoice must turn paid, with the partner as the actor.
   */
  async paidToThePartner(number: string, days: number) {
    const { system, token } = this;
    expect((await system.call('PUT', `/api/invoices/${number}`, token, invoice(number))).status).toBe(201);
    const sent = await system.call('POST', `/api/invoices/${number}/reminder-case`, token);
    expect(sent.status).toBe(201);
    const { caseId } = sent.body;
    const reminded = await until(`invoice ${number} to be reminder_sent`, async () => ((await this.invoice(number)).status === 'reminder_sent' ? this.invoice(number) : null), LONG);
    const partnerCaseId: string = reminded.partnerCaseId;
    expect(partnerCaseId).toBeTruthy();

    expect((await system.partner('POST', '/_sandbox/clock/advance', { days })).status).toBe(200);
    const owed = (await system.partner('GET', `/cases/${partnerCaseId}`)).body;
    expect(owed.interest.remaining).toBeGreaterThan(0);
    const paidAtPartner = await system.partner('POST', `/_sandbox/cases/${partnerCaseId}/pay`, { amount: owed.total_remaining });
    expect(paidAtPartner.status).toBe(200);
    expect(paidAtPartner.body).toMatchObject({ status: 'paid', closed: true });
    const debtorPayment = paidAtPartner.body.payments.find((p: { origin: string }) => p.origin === 'debtor');
    expect(debtorPayment.allocation).toMatchObject({ capital: 1250, interest: expect.any(Number) });
    expect(debtorPayment.allocation.interest).toBeGreaterThan(0);

    const paid = await until(`invoice ${number} to be paid`, async () => ((await this.invoice(number)).status === 'paid' ? this.invoice(number) : null), LONG);
    expect(paid).toMatchObject({ claimOre: 0, caseStatus: 'paid', partnerCaseId });
    const trail: Array<{ type: string; actor: { kind: string }; data: Record<string, unknown> }> = (await system.call('GET', `/api/cases/${caseId}/events`, token)).body.events;
    expect(trail.filter((e) => e.type === 'ReminderCasePaid')).toEqual([expect.objectContaining({ actor: expect.objectContaining({ kind: 'partner' }) })]);
    expect(trail.filter((e) => e.type === 'PaymentRegistered')).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ kind: 'partner' }), data: expect.objectContaining({ source: 'partner', remainingClaimOre: 0 }) }),
    ]);
    return { partnerCaseId, debtorPaymentId: debtorPayment._id as string, paid };
  }

  /** The partner pays out now; answers its payout to our company (also when a midnight run took it first). */
  async payoutAtThePartner(partnerCaseId: string): Promise<PartnerPayout> {
    const { system } = this;
    expect((await system.partner('POST', '/_sandbox/payouts/run')).status).toBe(200);
    const creditor = (await system.call('GET', '/api/company', this.token)).body.partnerCreditorId;
    expect(creditor).toBeTruthy();
    const list = await system.partner('GET', `/payouts?where=${encodeURIComponent(JSON.stringify({ creditor }))}`);
    const payouts: PartnerPayout[] = list.body._items.filter((p: PartnerPayout) => p.items.some((item) => item.case === partnerCaseId));
    expect(payouts).toHaveLength(1);
    return payouts[0];
  }

  /** The bank delivers the transfer: a camt.054 for the company's bankgiro, the payout's reference as OCR. */
  dropBankFile(name: string, bankReference: string, payout: { amountOre: number; reference: string; bookingDate: string }) {
    const inbox = this.system.inbox!;
    mkdirSync(inbox, { recursive: true });
    const xml = testFiles.camt054(BANKGIRO, [
      { reference: bankReference, amount: toSek(payout.amountOre), ocr: payout.reference, bookingDate: payout.bookingDate, payer: 'Amili AB' },
    ]);
    // Written under a hidden name (the job skips those) and renamed, so it never sees half a file.
    writeFileSync(join(inbox, `.${name}`), xml);
    renameSync(join(inbox, `.${name}`), join(inbox, name));
  }

  processed = (name: string) => readdirSync(join(this.system.inbox!, 'processed')).some((file) => file.endsWith(`-${name}`));

  async sie(from: string, to: string): Promise<{ vouchers: SieVoucher[]; text: string }> {
    const response = await fetch(`${this.system.api.url}/api/accounting/sie?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${this.token}` } });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    const read = readSie(bytes);
    if (!read.ok) throw new Error(`The SIE export does not read back: ${JSON.stringify(read.errors)}`);
    return { vouchers: read.document.vouchers, text: bytes.toString('latin1') };
  }

  /** The payout's voucher: the whole transfer on the bank, the capital off the receivable, the interest as income. */
  async expectBooked(payout: { amountOre: number; capitalOre: number; interestOre: number; reference: string; bookingDate: string; invoiceNumber: string }) {
    const { vouchers, text } = await this.sie(payout.bookingDate, payout.bookingDate);
    // The debtor's payment to the partner books nothing of ours: only the bank transfer does, once.
    expect(vouchers).toHaveLength(1);
    const [voucher] = vouchers;
    expect(voucher.date).toBe(payout.bookingDate);
    expect(voucher.text).toContain(payout.reference);
    expect(voucher.transactions.map(({ account, amountOre }) => ({ account, amountOre }))).toEqual([
      { account: '1930', amountOre: payout.amountOre },
      { account: '1510', amountOre: -payout.capitalOre },
      { account: '8313', amountOre: -payout.interestOre },
    ]);
    expect(voucher.transactions.find((t) => t.account === '1510')?.text).toBe(`Faktura ${payout.invoiceNumber}`);
    // The file as the accounting program sees it (codepage 437; the #TRANS rows are ASCII).
    expect(text).toMatch(new RegExp(`#TRANS 1930 \\{\\} ${toSek(payout.amountOre).replace('.', '\\.')}\\b`));
    expect(text).toMatch(new RegExp(`#TRANS 1510 \\{\\} -${toSek(payout.capitalOre).replace('.', '\\.')}\\b`));
    expect(text).toMatch(new RegExp(`#TRANS 8313 \\{\\} -${toSek(payout.interestOre).replace('.', '\\.')}\\b`));
  }
}

describe('The partner pays out what the debtor paid it, and the bank transfer lands in the books', () => {
  let system: System;
  let run: PayoutRun;

  beforeAll(async () => {
    system = await startSystem({ inbox: true, apiEnv: { BANK_INBOX_INTERVAL_MS: '300' } });
    run = new PayoutRun(system, await activatedCompany(system, ORG, { bankgiro: BANKGIRO }));
  });
  afterAll(async () => system?.stop());

  it('debtor pays the partner → paid by the partner → payout announced → camt.054 in the inbox → received, booked on 1930/1510/8313', async () => {
    const { partnerCaseId, debtorPaymentId, paid } = await run.paidToThePartner('8001', 5);

    const atPartner = await run.payoutAtThePartner(partnerCaseId);
    expect(atPartner.items).toEqual([{ case: partnerCaseId, invoice_number: '8001', payment: debtorPaymentId, capital: 1250, interest: expect.any(Number) }]);
    const capitalOre = toOre(atPartner.items[0].capital);
    const interestOre = toOre(atPartner.items[0].interest);
    const amountOre = toOre(atPartner.amount);
    expect(interestOre).toBeGreaterThan(0);
    expect(capitalOre + interestOre).toBe(amountOre);

    // Our API polls the partner's payouts and lists it, in öre, as announced (not yet in the bank).
    const announced = await until('the payout to be announced in our API', () => run.ourPayout(atPartner._id), LONG);
    expect(announced).toEqual({
      payoutId: atPartner._id,
      payoutDate: isoDay(atPartner.payout_date),
      amountOre,
      reference: atPartner.reference,
      status: 'announced',
      paymentId: null,
      receivedOn: null,
      items: [{ partnerCaseId, invoiceNumber: '8001', partnerPaymentId: debtorPaymentId, capitalOre, interestOre }],
    });

    // The bank credits the transfer on the payout date.
    const bookingDate = announced.payoutDate;
    run.dropBankFile('camt054-payout-8001.xml', 'SYS-PAYOUT-1', { amountOre, reference: atPartner.reference, bookingDate });
    const received = await until('the payout to be received', () => run.ourPayout(atPartner._id, 'received'), LONG);
    expect(received).toMatchObject({ paymentId: expect.any(String), receivedOn: bookingDate });
    await until('the bank file to be moved to processed/', async () => run.processed('camt054-payout-8001.xml'), LONG);

    expect(await run.unmatched()).toMatchObject({ items: [], total: 0 });
    const imports = (await system.call('GET', '/api/payments/imports', run.token)).body;
    expect(imports).toEqual([expect.objectContaining({ source: 'inbox', status: 'done', payments: 1, matched: 1, unmatched: 0, duplicates: 0 })]);
    // The payout settles no invoice a second time: the debtor's payment already did.
    expect(await run.invoice('8001')).toMatchObject({ status: 'paid', claimOre: 0, paidOre: paid.paidOre });

    await run.expectBooked({ amountOre, capitalOre, interestOre, reference: atPartner.reference, bookingDate, invoiceNumber: '8001' });
  });
});

describe('The bank was quicker than our poll of the payouts', () => {
  let system: System;
  let run: PayoutRun;

  beforeAll(async () => {
    // No polling: case news comes by push (and reconciliation), and the payouts are not polled at all for now.
    system = await startSystem({ inbox: true, apiEnv: { BANK_INBOX_INTERVAL_MS: '300', AMILI_POLL_INTERVAL_MS: '600000' } });
    run = new PayoutRun(system, await activatedCompany(system, ORG, { bankgiro: BANKGIRO }));
  });
  afterAll(async () => system?.stop());

  it('the transfer waits in the queue, and leaves it by itself once the payout is announced', async () => {
    const { partnerCaseId } = await run.paidToThePartner('8101', 3);
    const atPartner = await run.payoutAtThePartner(partnerCaseId);
    const amountOre = toOre(atPartner.amount);
    const capitalOre = toOre(atPartner.items[0].capital);
    const interestOre = toOre(atPartner.items[0].interest);
    expect(interestOre).toBeGreaterThan(0);
    const bookingDate = isoDay(atPartner.payout_date);

    // The bank's file arrives while our API has not seen the payout: nothing to match it to yet.
    run.dropBankFile('camt054-payout-8101.xml', 'SYS-PAYOUT-2', { amountOre, reference: atPartner.reference, bookingDate });
    await until('the bank file to be moved to processed/', async () => run.processed('camt054-payout-8101.xml'), LONG);
    const queued = await until('the transfer in the unmatched queue', async () => ((await run.unmatched()).total === 1 ? run.unmatched() : null), LONG);
    expect(queued.items).toEqual([expect.objectContaining({ bankReference: 'SYS-PAYOUT-2', amountOre, bookingDate, reason: 'no_match' })]);
    expect(await run.payouts()).toEqual([]);
    expect((await run.sie(bookingDate, bookingDate)).vouchers).toEqual([]);

    // Our poll comes round (the API again, now polling): the payout is announced and takes the waiting transfer.
    await system.api.stop();
    await system.restartApi({ AMILI_POLL_INTERVAL_MS: '300' });
    const received = await until('the payout to be announced and received', () => run.ourPayout(atPartner._id, 'received'), LONG);
    expect(received).toMatchObject({ amountOre, reference: atPartner.reference, paymentId: expect.any(String), receivedOn: bookingDate });
    expect(await run.unmatched()).toMatchObject({ items: [], total: 0 });
    await run.expectBooked({ amountOre, capitalOre, interestOre, reference: atPartner.reference, bookingDate, invoiceNumber: '8101' });
  });
});
