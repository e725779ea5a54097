// The anti-corruption layer to the collection partner (Amili). The public API speaks our vocabulary;
// the partner's wire schemas (./wire) stay inside this package, so no other code learns its names.
export {
  AmiliAdapter,
  INITIAL_POLLING_CURSOR,
  type ActionOutcome,
  type AmiliAdapterConfig,
  type CaseReference,
  type PollingCursor,
} from './amili-adapter';
export type {
  PartnerCaseView,
  PartnerCondition,
  PartnerConditionEntry,
  PartnerCost,
  PartnerCostKind,
  PartnerPayment,
  PartnerStage,
  PartnerStageEntry,
} from './case-view';
export type { PartnerPayout, PartnerPayoutItem } from './payout-view';
export { convergeCommands, type ConvergeOptions, type Convergence, type OurCaseSnapshot, type PartnerDrivenCommand } from './convergence';
export {
  PartnerError,
  PartnerProtocolError,
  PartnerRefusedError,
  PartnerUnavailableError,
  isAlreadyClosed,
  isPartnerError,
  type UnavailableReason,
} from './errors';
export {
  DEFAULT_CLIENT_OPTIONS,
  consoleLogger,
  type BreakerState,
  type PartnerHttpClientOptions,
  type PartnerLogger,
} from './http-client';
export { MoneyFormatError, formatSek, oreToSek, sekToOre, trySekToOre } from './money-and-dates';
export { PUSH_TOLERANCE_SECONDS, verifyPushNotification, type HeaderBag, type PushVerification, type PushVerificationInput } from './push-notifications';
