/** The case's audit trail in words: what happened (per event type), who did it, and why. */
import { type Schemas } from '../../api/client';
import { formatDate, formatMoney } from '../../format/format';
import { type Language, type Translate } from '../../i18n/i18n';

type Entry = Schemas['AuditEntryDto'];

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** What the event means, in the user's language; an event type this screen does not know is named as it is. */
export function describeEvent(entry: Entry, t: Translate, language: Language): string {
  const d = entry.data ?? {};
  const money = (value: unknown) => formatMoney(num(value), language);
  const date = (value: unknown) => formatDate(str(value), language);
  const withFee = (text: string) => (num(d.feeOre) > 0 ? `${text} (${t('event.fee', { amount: money(d.feeOre) })})` : text);
  switch (entry.type) {
    case 'ReminderCaseRequested':
      return t('event.ReminderCaseRequested', { amount: money(d.claimOre) });
    case 'ReminderCaseRegistered':
    case 'ReminderCaseRegisteredAfterEnd':
      return t(`event.${entry.type}`, { ref: str(d.partnerCaseId) || '–' });
    case 'ReminderCaseReminderSent':
      return withFee(t('event.ReminderCaseReminderSent', { date: date(d.sentOn) }));
    case 'ReminderCaseDebtCollectionStarted':
      return withFee(t('event.ReminderCaseDebtCollectionStarted', { date: date(d.sentOn) }));
    case 'ReminderCaseDecisionRequired':
    case 'ReminderCaseSentToEnforcement':
    case 'ReminderCaseUnderSurveillance':
    case 'ReminderCaseDisputed':
    case 'ReminderCaseDisputeResolved':
    case 'ReminderCasePaid':
    case 'ReminderCaseClosed':
    case 'ReminderCaseRejected':
    case 'ReminderCaseCredited':
    case 'ReminderCaseWrittenOff':
    case 'InvoiceCredited':
    case 'InvoiceUpdated':
    case 'TaxReductionClaimReady':
      return t(`event.${entry.type}`);
    case 'ReminderCasePaused':
      return t('event.ReminderCasePaused', { date: date(d.until) });
    case 'ReminderCaseResumed':
      return d.automatic === true ? t('event.ReminderCaseResumedAutomatically') : t('event.ReminderCaseResumed');
    case 'ReminderCasePartlyPaid':
      return t('event.ReminderCasePartlyPaid', { amount: money(d.amountOre), remaining: money(d.remainingClaimOre) });
    case 'ReminderCaseNeedsAttention':
      return t('event.ReminderCaseNeedsAttention', { raw: [str(d.rawState), str(d.rawStatus)].filter(Boolean).join(' / ') || '–' });
    case 'ReminderCaseReconciled':
      return t('event.ReminderCaseReconciled', { findings: Array.isArray(d.findings) ? d.findings.map(String).join('; ') : '' });
    case 'PaymentRegistered': {
      const source = str(d.source);
      const sourceText = source === 'manual' || source === 'bank' || source === 'partner' ? t(`paymentSource.${source}`) : source;
      return t('event.PaymentRegistered', { amount: money(d.amountOre), source: sourceText });
    }
    default:
      return t('event.other', { type: entry.type });
  }
}

/** Who did it: the actor's kind in words and its id (the user, the partner's reference, the bank file, the system job). */
export function describeActor(actor: Entry['actor'], t: Translate): string {
  const kind = actor.kind === 'user' || actor.kind === 'partner' || actor.kind === 'bank' || actor.kind === 'system' ? actor.kind : 'system';
  return t(`actor.${kind}`, { id: actor.id });
}

/** Why: the reason given with the command, else the one the event itself carries (a closing, a dispute, a rejection). */
export function reasonOf(entry: Entry): string | null {
  const d = entry.data ?? {};
  const candidates = [entry.reason, d.reason, d.outcome, d.endReason];
  for (const candidate of candidates) if (typeof candidate === 'string' && candidate.trim()) return candidate.trim();
  return null;
}
