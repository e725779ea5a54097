/**
 * The partner's wire format (docs/partner-api.md): zod schemas for what it answers and sends, and
 * the shapes of what we send. Nothing outside this package sees these names.
 *
 * Strict where a missing or malformed field means the answer is broken (ids, amounts, dates we act
 * on); lenient where the contract says more may come (state and status are open strings, objects
 * keep unknown fields so the raw answer can still be logged in full).
 */
import { luhnCheck } from '@pm/domain';
import { z } from 'zod';
import { isRfc1123, trySekToOre } from './money-and-dates';

// ---------------------------------------------------------------------------------------- scalars

/** Decimal SEK with at most two decimals, non-negative. Kept as sent; converted to öre by the adapter. */
export const wireAmount = z.union([z.number(), z.string()]).superRefine((value, ctx) => {
  const parsed = trySekToOre(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `not an amount of money: ${parsed.reason}` });
  else if (parsed.value < 0) ctx.addIssue({ code: 'custom', message: 'a negative amount' });
});

export const wireDate = z.string().refine(isRfc1123, { message: 'not an RFC 1123 date' });

/** The partner may write messages as strings or as objects with a message; we keep the text. */
export const wireMessages = z
  .array(z.union([z.string(), z.looseObject({ message: z.string() })]))
  .optional()
  .transform((list) => (list ?? []).map((m) => (typeof m === 'string' ? m : m.message)));

const nullableString = z.string().nullish().transform((v) => v ?? null);

/** For sums inside a refinement: a malformed amount is reported by its own field, so it counts 0 here. */
const oreOrZero = (value: unknown): number => {
  const parsed = trySekToOre(value);
  return parsed.ok ? parsed.value : 0;
};

// ---------------------------------------------------------------------------------------- resources

export const wireAddress = z.looseObject({
  address_line_1: z.string(),
  address_line_2: z.string().nullish(),
  zip_code: z.string(),
  city: z.string(),
  country: z.string(),
});
export type WireAddress = z.infer<typeof wireAddress>;

export const wireCreditor = z.looseObject({
  _id: z.string().min(1),
  organization_number: z.string().optional(),
  name: z.string().optional(),
});
export type WireCreditor = z.infer<typeof wireCreditor>;

export const wireStateEntry = z.looseObject({ state: z.string(), date: wireDate });
export const wireStatusEntry = z.looseObject({ status: z.string(), date: wireDate });

export const wireCost = z.looseObject({ type: z.string(), amount: wireAmount, date: wireDate });
export type WireCost = z.infer<typeof wireCost>;

export const wirePayment = z
  .looseObject({
    _id: z.string().min(1),
    amount: wireAmount,
    date: wireDate,
    // Closed list in the contract (no "more may come"): an unknown origin cannot be booked safely.
    origin: z.enum(['debtor', 'creditor']),
    allocation: z.looseObject({ costs: wireAmount, interest: wireAmount, capital: wireAmount }),
  })
  .superRefine((payment, ctx) => {
    // An overpayment may leave part unallocated; allocating more than was paid is a broken answer.
    const allocated = oreOrZero(payment.allocation.costs) + oreOrZero(payment.allocation.interest) + oreOrZero(payment.allocation.capital);
    if (allocated > oreOrZero(payment.amount))
      ctx.addIssue({ code: 'custom', path: ['allocation'], message: `allocates ${allocated} öre of a ${oreOrZero(payment.amount)} öre payment` });
  });
export type WirePayment = z.infer<typeof wirePayment>;

export const wireCase = z.looseObject({
  _id: z.string().min(1),
  _created: wireDate,
  _updated: wireDate,
  _etag: z.string().min(1),
  creditor: z.string().min(1),
  invoice_number: z.string(),
  ocr: nullableString,
  debtor: z.looseObject({ name: z.string().optional(), id_number: z.string().nullish(), is_company: z.boolean().optional() }).optional(),
  state: z.string().min(1),
  status: z.string().min(1),
  state_history: z.array(wireStateEntry),
  status_history: z.array(wireStatusEntry).optional().transform((v) => v ?? []),
  closed: z.boolean(),
  closed_reason: nullableString,
  respite_until: wireDate.nullish().transform((v) => v ?? null),
  reject_reason: nullableString,
  capital: z.looseObject({ original: wireAmount, remaining: wireAmount }),
  interest: z.looseObject({ rate: z.number().optional(), accrued: wireAmount.optional(), remaining: wireAmount }),
  costs: z.array(wireCost).optional().transform((v) => v ?? []),
  remaining_costs: wireAmount.optional(),
  total_remaining: wireAmount.optional(),
  payments: z.array(wirePayment).optional().transform((v) => v ?? []),
});
export type WireCase = z.infer<typeof wireCase>;

export function wireList<T extends z.ZodType>(item: T) {
  return z.looseObject({
    _items: z.array(item),
    _meta: z.looseObject({ page: z.number().int(), max_results: z.number().int(), total: z.number().int() }),
  });
}
export const wireCaseList = wireList(wireCase);
export type WireCaseList = z.infer<typeof wireCaseList>;

// ----------------------------------------------------------------------------------------- payouts

export const wirePayoutItem = z.looseObject({
  case: z.string().min(1),
  invoice_number: z.string(),
  payment: z.string().min(1),
  capital: wireAmount,
  interest: wireAmount,
});

/**
 * A bank transfer of collected capital and interest to the creditor. Its amount is what reaches the
 * bank, its items are what gets booked: they must agree to the öre, and each payment may appear once.
 */
export const wirePayout = z
  .looseObject({
    _id: z.string().min(1),
    _created: wireDate,
    _updated: wireDate,
    _etag: z.string().min(1),
    creditor: z.string().min(1),
    payout_date: wireDate,
    // Our books and the bank payments it is matched to are in SEK; a payout in another currency cannot be booked.
    currency: z.literal('SEK', { error: 'only SEK payouts can be booked' }),
    amount: wireAmount,
    // Matched against the reference on the bank transfer, so a mistyped one must not get through.
    reference: z
      .string()
      .regex(/^\d{10,16}$/, { error: 'not a payment reference of 10 to 16 digits' })
      .refine(luhnCheck, { error: 'the check digit of the payment reference is wrong' }),
    items: z.array(wirePayoutItem),
  })
  .superRefine((payout, ctx) => {
    const itemsOre = payout.items.reduce((sum, item) => sum + oreOrZero(item.capital) + oreOrZero(item.interest), 0);
    if (itemsOre !== oreOrZero(payout.amount))
      ctx.addIssue({ code: 'custom', path: ['amount'], message: `the items sum to ${itemsOre} öre, the amount is ${oreOrZero(payout.amount)} öre` });
    const payments = payout.items.map((item) => item.payment);
    const repeated = payments.find((payment, i) => payments.indexOf(payment) !== i);
    if (repeated !== undefined) ctx.addIssue({ code: 'custom', path: ['items'], message: `payment ${repeated} is paid out twice` });
  });
export type WirePayout = z.infer<typeof wirePayout>;

export const wirePayoutList = wireList(wirePayout);

// ------------------------------------------------------------------------------------ registration

export const wireRegisteredCase = z.looseObject({ _id: z.string().min(1), invoice_number: z.string(), ocr: z.string().min(1) });

/** `completed`/`warning` must name the cases created; `error` (sent with HTTP 200) is a refusal. */
export const wireRegistrationAnswer = z.discriminatedUnion('status', [
  z.looseObject({ _id: z.string(), status: z.literal('completed'), messages: wireMessages, cases: z.array(wireRegisteredCase).min(1) }),
  z.looseObject({ _id: z.string(), status: z.literal('warning'), messages: wireMessages, cases: z.array(wireRegisteredCase).min(1) }),
  z.looseObject({ _id: z.string().optional(), status: z.literal('error'), messages: wireMessages }),
]);
export type WireRegistrationAnswer = z.infer<typeof wireRegistrationAnswer>;

export const wireActionAnswer = z.looseObject({
  _id: z.string().optional(),
  status: z.enum(['completed', 'warning', 'error']),
  messages: wireMessages,
});
export type WireActionAnswer = z.infer<typeof wireActionAnswer>;

// ----------------------------------------------------------------------------------------- errors

/** Eve's error body. Parsed leniently: a proxy in front of the partner may answer HTML instead. */
export const wireError = z.looseObject({
  _status: z.string().optional(),
  _error: z.looseObject({ code: z.number().optional(), message: z.string().optional() }).optional(),
  _issues: z.record(z.string(), z.unknown()).optional(),
});
export type WireError = z.infer<typeof wireError>;

// --------------------------------------------------------------------------------------- push

export const wirePushNotification = z.looseObject({
  event: z.string(),
  case: z.string().min(1),
  _updated: wireDate.optional(),
  _etag: z.string().optional(),
});
export type WirePushNotification = z.infer<typeof wirePushNotification>;

// ------------------------------------------------------------------------------ what we send

export const wireCreditorRequest = z.object({
  organization_number: z.string(),
  name: z.string(),
  address: wireAddress,
  reminder_fee_agreed: z.boolean().optional(),
});
export type WireCreditorRequest = z.infer<typeof wireCreditorRequest>;

export const wireRegistrationRequest = z.object({
  creditor: z.string(),
  first_action: z.enum(['reminder', 'debt_collection']),
  currency: z.string(),
  customer: z.object({
    name: z.string(),
    id_number: z.string(),
    is_company: z.boolean(),
    address: wireAddress,
    email: z.string().nullable(),
    mobile_number: z.string().nullable(),
  }),
  debts: z.array(
    z.object({
      invoice_number: z.string(),
      debt_description: z.string(),
      invoice_date: wireDate,
      capital_to_claim: wireAmount,
      invoice_due_days_after_invoice_date: z.number().int(),
      reminder_fee_charged: wireAmount,
    }),
  ),
});
export type WireRegistrationRequest = z.infer<typeof wireRegistrationRequest>;

/** Every creditor action names the case by id, or by creditor and invoice number. */
export type WireCaseTarget = { case: string } | { creditor: string; invoice_number: string };
export type WireActionRequest<Extra> = WireCaseTarget & { origin: 'creditor_system' } & Extra;
export type WirePaymentRequest = WireActionRequest<{ amount: number; payment_date: string; reference?: string }>;
export type WireCreditingRequest = WireActionRequest<{ amount?: number }>;
export type WireCancellationRequest = WireActionRequest<{ reason?: string }>;
export type WireRespiteRequest = WireActionRequest<{ respite_until: string }>;
