/**
 * The anti-corruption layer to the collection partner (Amili): our vocabulary in (öre, ISO dates,
 * InvoiceDetails), our vocabulary out (PartnerCaseView, PartnerPayout, domain commands). The partner's field names,
 * states, formats and errors stop here.
 */
import { createHash } from 'node:crypto';
import {
  type InvoiceDetails,
  type LocalDate,
  type PostalAddress,
  daysBetween,
  parseIdentityNumber,
  parseOrganisationNumber,
  stockholmDate,
} from '@pm/domain';
import { type z } from 'zod';
import { type PartnerCaseView, toPartnerCaseView } from './case-view';
import { type ConvergeOptions, type Convergence, type OurCaseSnapshot, convergeCommands } from './convergence';
import { PartnerProtocolError, PartnerRefusedError } from './errors';
import { type PartnerHttpClientOptions, type PartnerLogger, PartnerHttpClient, consoleLogger } from './http-client';
import { localDateToRfc1123, oreToSek, rfc1123ToEpochMs } from './money-and-dates';
import { type PartnerPayout, toPartnerPayout } from './payout-view';
import { type PushVerification, type PushVerificationInput, verifyPushNotification } from './push-notifications';
import {
  type WireActionAnswer,
  type WireAddress,
  type WireCase,
  type WireCaseTarget,
  type WireCreditorRequest,
  type WireRegistrationRequest,
  wireActionAnswer,
  wireCase,
  wireCaseList,
  wireCreditor,
  wirePayout,
  wirePayoutList,
  wireRegistrationAnswer,
} from './wire';

export interface AmiliAdapterConfig {
  baseUrl: string;
  apiKey: string;
  /** Where users open the partner's portal; defaults to `<baseUrl>/portal`. */
  portalUrl?: string;
  logger?: PartnerLogger;
  /** Epoch milliseconds; today's date decides the century of a 10-digit personnummer. */
  now?: () => number;
  client?: Omit<PartnerHttpClientOptions, 'logger' | 'now'>;
}

/** Where a poll of one list (cases, payouts) got to; each list keeps its own. */
export interface PollingCursor {
  /** The `_updated` (RFC 1123) of the newest resource delivered so far, or '' to start from the beginning. */
  updatedAfter: string;
  /**
   * The resources delivered at exactly that second, as `<id> <etag>` (a bare `<id>` also works and
   * skips every version of that resource at that second). With the etag, a resource updated twice
   * within one second is still delivered the second time.
   */
  seenIdsAtThatSecond: string[];
}

export const INITIAL_POLLING_CURSOR: PollingCursor = Object.freeze({ updatedAfter: '', seenIdsAtThatSecond: [] }) as PollingCursor;

export interface ActionOutcome {
  outcome: 'completed' | 'warning';
  messages: string[];
}

/** Names the case at the partner: by its id when we have it, else by creditor and invoice number. */
export interface CaseReference {
  creditorId: string;
  invoiceNumber: string;
  partnerCaseId?: string | null;
  /**
   * The same key for every attempt of one logical action, including attempts after a restart. The
   * partner repeats its first answer to a key for 24 h, so a corrected request needs a new key.
   */
  idempotencyKey: string;
}

/** The partner accepts at most this many items per page. */
const MAX_PAGE_SIZE = 500;
/** Pages walked in one poll when whole pages hold only cases already delivered at the cursor second. */
const MAX_PAGES_PER_POLL = 100;

/** What the polling cursor needs of a listed resource. */
type Versioned = { _id: string; _etag: string; _updated: string };

const seenToken = (resource: Pick<Versioned, '_id' | '_etag'>) => `${resource._id} ${resource._etag}`;

export class AmiliAdapter {
  private readonly client: PartnerHttpClient;
  private readonly logger: PartnerLogger;
  private readonly now: () => number;
  private readonly portalBase: string;

  constructor(config: AmiliAdapterConfig) {
    this.logger = config.logger ?? consoleLogger;
    this.now = config.now ?? Date.now;
    this.client = new PartnerHttpClient({ ...config.client, baseUrl: config.baseUrl, apiKey: config.apiKey, logger: this.logger, now: this.now });
    this.portalBase = (config.portalUrl ?? `${config.baseUrl.replace(/\/+$/, '')}/portal`).replace(/\/+$/, '');
  }

  get breakerState() {
    return this.client.breakerState;
  }

  /** How many answers the partner has given (refusals too), by any call: a caller that saw it unreachable can tell it is back. */
  get answers(): number {
    return this.client.answers;
  }

  // ---------------------------------------------------------------------------------------- creditor

  /** Links the company as a creditor; the partner answers the existing creditor for a known number. */
  async ensureCreditor(input: {
    organisationNumber: string;
    name: string;
    address: PostalAddress;
    reminderFeeAgreed?: boolean;
  }): Promise<{ creditorId: string }> {
    const parsed = parseOrganisationNumber(input.organisationNumber);
    const body: WireCreditorRequest = {
      // Sent as is when it does not parse: the partner's 422 then names the problem.
      organization_number: parsed.ok ? parsed.value : input.organisationNumber.trim(),
      name: input.name,
      address: wireAddressOf(input.address),
      ...(input.reminderFeeAgreed !== undefined ? { reminder_fee_agreed: input.reminderFeeAgreed } : {}),
    };
    // The default key (a hash of the body) makes a repeat of the same link one logical call.
    const creditor = await this.client.post('/creditors', body, wireCreditor);
    return { creditorId: creditor._id };
  }

  // ------------------------------------------------------------------------------------ registration

  async registerCase(input: {
    creditorId: string;
    /** Our case id: with the body's hash, the registration's idempotency key, so a repeated send registers once. */
    caseId: string;
    invoice: InvoiceDetails;
    claimOre: number;
    firstAction?: 'reminder' | 'debt_collection';
  }): Promise<{ partnerCaseId: string; partnerOcr: string; warnings: string[] }> {
    const { invoice } = input;
    const customer = invoice.customer;
    const body: WireRegistrationRequest = {
      creditor: input.creditorId,
      first_action: input.firstAction ?? 'reminder',
      currency: invoice.currency,
      customer: {
        name: customer.name,
        id_number: this.partnerIdNumber(customer.identityNumber, customer.isCompany),
        is_company: customer.isCompany,
        address: wireAddressOf(customer.address),
        email: customer.email?.trim() || null,
        mobile_number: null, // we hold no phone numbers
      },
      debts: [
        {
          invoice_number: invoice.invoiceNumber,
          debt_description: `Faktura ${invoice.invoiceNumber}`,
          invoice_date: localDateToRfc1123(invoice.invoiceDate),
          capital_to_claim: oreToSek(input.claimOre),
          invoice_due_days_after_invoice_date: daysBetween(invoice.invoiceDate, invoice.dueDate),
          // Our invoices carry no fee of their own; reminder fees are the partner's to add.
          reminder_fee_charged: 0,
        },
      ],
    };
    const answer = await this.client.post('/case--registrations', body, wireRegistrationAnswer, {
      // The partner repeats the first answer to a key for 24 h, refusals included: a request corrected
      // after a 422 (a fixed address) must get a new key, a repeat of the same one must not.
      idempotencyKey: `pm-case-registration-${input.caseId}-${sha256(JSON.stringify(body)).slice(0, 16)}`,
      refusalOf: (a) => (a.status === 'error' ? a.messages : null),
    });
    // The client already throws for `error`; checked again so the type narrows to an accepted answer.
    if (answer.status === 'error')
      throw new PartnerRefusedError({ operation: 'POST /case--registrations', httpStatus: 200, partnerMessage: answer.messages.join('; '), messages: answer.messages });
    const registered = answer.cases.find((c) => c.invoice_number === invoice.invoiceNumber) ?? (answer.cases.length === 1 ? answer.cases[0] : undefined);
    if (!registered)
      throw new PartnerProtocolError({
        operation: 'POST /case--registrations',
        problem: `the answer lists no case for invoice ${invoice.invoiceNumber}`,
        attempts: 1,
      });
    return { partnerCaseId: registered._id, partnerOcr: registered.ocr, warnings: answer.status === 'warning' ? answer.messages : [] };
  }

  // ----------------------------------------------------------------------------------------- actions

  cancelCase(input: CaseReference & { reason: string }): Promise<ActionOutcome> {
    return this.action('/creditor--cancellations', input, { reason: input.reason });
  }

  /** The debtor paid the company directly: the partner reduces the capital (and closes the case when covered). */
  reportDirectPayment(input: CaseReference & { amountOre: number; paidOn: LocalDate; reference?: string }): Promise<ActionOutcome> {
    return this.action('/creditor--payments', input, {
      amount: oreToSek(input.amountOre),
      payment_date: localDateToRfc1123(input.paidOn),
      ...(input.reference ? { reference: input.reference } : {}),
    });
  }

  /** Credits the claim (all of it unless `amountOre` says otherwise); the partner closes the case as credited. */
  reportCrediting(input: CaseReference & { amountOre?: number }): Promise<ActionOutcome> {
    return this.action('/creditor--creditings', input, input.amountOre !== undefined ? { amount: oreToSek(input.amountOre) } : {});
  }

  /** Respite (anstånd) until a date: the partner's lifecycle pauses, then resumes by itself. */
  requestRespite(input: CaseReference & { until: LocalDate }): Promise<ActionOutcome> {
    return this.action('/creditor--respites', input, { respite_until: localDateToRfc1123(input.until) });
  }

  private async action(path: string, ref: CaseReference, extra: Record<string, unknown>): Promise<ActionOutcome> {
    const target: WireCaseTarget = ref.partnerCaseId
      ? { case: ref.partnerCaseId }
      : { creditor: ref.creditorId, invoice_number: ref.invoiceNumber };
    const answer: WireActionAnswer = await this.client.post(
      path,
      { ...target, origin: 'creditor_system', ...extra },
      wireActionAnswer,
      { idempotencyKey: ref.idempotencyKey, refusalOf: (a) => (a.status === 'error' ? a.messages : null) },
    );
    return { outcome: answer.status === 'warning' ? 'warning' : 'completed', messages: answer.messages };
  }

  // ------------------------------------------------------------------------------------------- cases

  async getCase(partnerCaseId: string): Promise<PartnerCaseView | null> {
    const wire = await this.client.getOrNull(`/cases/${encodeURIComponent(partnerCaseId)}`, wireCase);
    return wire ? toPartnerCaseView(wire, this.logger) : null;
  }

  /** The newest case for an invoice (an invoice can have had earlier, closed cases). */
  async findCase(input: { creditorId: string; invoiceNumber: string }): Promise<PartnerCaseView | null> {
    const list = await this.client.get('/cases', wireCaseList, {
      query: {
        where: JSON.stringify({ creditor: input.creditorId, invoice_number: input.invoiceNumber }),
        sort: '-_created',
        max_results: 50,
      },
    });
    // Chosen here as well: the sort is a request, and equality on invoice_number is all we rely on.
    const newest = list._items
      .filter((c) => c.creditor === input.creditorId && c.invoice_number === input.invoiceNumber)
      .reduce<WireCase | null>((best, c) => {
        if (!best) return c;
        const [a, b] = [rfc1123ToEpochMs(c._created) ?? 0, rfc1123ToEpochMs(best._created) ?? 0];
        return a > b || (a === b && c._id > best._id) ? c : best;
      }, null);
    return newest ? toPartnerCaseView(newest, this.logger) : null;
  }

  /**
   * Cases changed since the cursor, oldest first, each once (see `listUpdatedSince`). Call again
   * while `hasMore`.
   */
  async listCasesUpdatedSince(
    cursor: PollingCursor,
    pageSize = 100,
  ): Promise<{ cases: PartnerCaseView[]; next: PollingCursor; hasMore: boolean }> {
    const { items, next, hasMore } = await this.listUpdatedSince('/cases', wireCaseList, cursor, pageSize);
    return { cases: items.map((wire) => toPartnerCaseView(wire, this.logger)), next, hasMore };
  }

  // ----------------------------------------------------------------------------------------- payouts

  /**
   * Payouts made or changed since the cursor, oldest first, each once, with the same cursor semantics
   * as `listCasesUpdatedSince` (keep one cursor per list: the two do not share one). Call again while
   * `hasMore`. A payout whose items do not add up to its amount, or not in SEK, is a
   * PartnerProtocolError: it cannot be booked as sent.
   */
  async listPayoutsUpdatedSince(
    cursor: PollingCursor,
    pageSize = 100,
  ): Promise<{ payouts: PartnerPayout[]; next: PollingCursor; hasMore: boolean }> {
    const { items, next, hasMore } = await this.listUpdatedSince('/payouts', wirePayoutList, cursor, pageSize);
    return { payouts: items.map(toPartnerPayout), next, hasMore };
  }

  /** One payout; an id the partner does not know is its refusal (PartnerRefusedError, HTTP 404). */
  async getPayout(partnerPayoutId: string): Promise<PartnerPayout> {
    return toPartnerPayout(await this.client.get(`/payouts/${encodeURIComponent(partnerPayoutId)}`, wirePayout));
  }

  /**
   * Resources of an Eve list changed since the cursor, oldest first, each once. `_updated` has second
   * resolution, so the query is `$gte` the cursor's second and the resources already delivered at that
   * second are skipped. One call reads one page (keyset paging: the next call starts from the new
   * cursor, so resources whose `_updated` changes while we read cannot shift out of view between
   * pages); it reads further pages only while whole pages hold nothing new.
   */
  private async listUpdatedSince<W extends Versioned>(
    path: string,
    schema: z.ZodType<{ _items: W[]; _meta: { total: number } }>,
    cursor: PollingCursor,
    pageSize: number,
  ): Promise<{ items: W[]; next: PollingCursor; hasMore: boolean }> {
    const size = Math.min(Math.max(Math.trunc(pageSize), 1), MAX_PAGE_SIZE);
    const fromMs = cursor.updatedAfter ? rfc1123ToEpochMs(cursor.updatedAfter) : undefined;
    if (cursor.updatedAfter && fromMs === undefined) throw new RangeError(`The cursor's updatedAfter is not an RFC 1123 date: ${cursor.updatedAfter}`);
    const seen = new Set(cursor.seenIdsAtThatSecond);
    const alreadyDelivered = (w: W, ms: number) => ms === fromMs && (seen.has(w._id) || seen.has(seenToken(w)));

    const fresh = new Map<string, { wire: W; ms: number }>();
    let hasMore = false;
    for (let page = 1; page <= MAX_PAGES_PER_POLL; page++) {
      const list = await this.client.get(path, schema, {
        query: {
          ...(fromMs !== undefined ? { where: JSON.stringify({ _updated: { $gte: cursor.updatedAfter } }) } : {}),
          sort: '_updated',
          page,
          max_results: size,
        },
      });
      let progressed = false;
      for (const wire of list._items) {
        const ms = rfc1123ToEpochMs(wire._updated) as number; // validated by the schema
        // Below the cursor: a repeat from an earlier page or poll, not in the range asked for.
        if (fromMs !== undefined && ms < fromMs) continue;
        if (alreadyDelivered(wire, ms)) continue;
        const known = fresh.get(wire._id);
        if (!known || ms >= known.ms) fresh.set(wire._id, { wire, ms });
        progressed = true;
      }
      hasMore = list._items.length > 0 && page * size < list._meta.total;
      if (progressed || !hasMore) break;
    }

    const ordered = [...fresh.values()].sort((a, b) => a.ms - b.ms || (a.wire._id < b.wire._id ? -1 : a.wire._id > b.wire._id ? 1 : 0));
    if (ordered.length === 0) return { items: [], next: cursor, hasMore };
    const last = ordered[ordered.length - 1];
    const atLast = ordered.filter((c) => c.ms === last.ms);
    const tokens = atLast.map((c) => seenToken(c.wire));
    const carried =
      last.ms === fromMs ? cursor.seenIdsAtThatSecond.filter((token) => !atLast.some((c) => token === c.wire._id || token.startsWith(`${c.wire._id} `))) : [];
    return {
      items: ordered.map((c) => c.wire),
      next: { updatedAfter: last.ms === fromMs ? cursor.updatedAfter : last.wire._updated, seenIdsAtThatSecond: [...carried, ...tokens] },
      hasMore,
    };
  }

  // ------------------------------------------------------------------------------- reconciliation

  convergeCommands(view: PartnerCaseView, ours: OurCaseSnapshot, options?: ConvergeOptions): Convergence {
    return convergeCommands(view, ours, options);
  }

  verifyPushNotification(input: PushVerificationInput): PushVerification {
    return verifyPushNotification(input);
  }

  // -------------------------------------------------------------------------------------- portal

  portalUrl(partnerCaseId?: string): string {
    return partnerCaseId ? `${this.portalBase}/cases/${encodeURIComponent(partnerCaseId)}` : this.portalBase;
  }

  /**
   * The partner wants digits only: 12 for a personnummer (the century matters), 10 for an
   * organisationsnummer. Sent as digits of the input when it does not parse: the partner's 422 says why.
   */
  private partnerIdNumber(identityNumber: string, isCompany: boolean): string {
    const parsed = parseIdentityNumber(identityNumber, { isCompany, today: stockholmDate(new Date(this.now())) });
    return (parsed.ok ? parsed.value : identityNumber).replace(/\D/g, '');
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function wireAddressOf(address: PostalAddress): WireAddress {
  return {
    address_line_1: address.line1.trim(),
    ...(address.line2?.trim() ? { address_line_2: address.line2.trim() } : {}),
    zip_code: address.postalCode.replace(/\s+/g, ''),
    city: address.city.trim(),
    country: address.country.trim().toUpperCase(),
  };
}
