/** Pieces the queue and its dialogs share: a queued payment's amount and its references in words. */
import { type Schemas } from '../../api/client';
import { formatMoney } from '../../format/format';
import { type Language, type Translate, useI18n } from '../../i18n/i18n';
import { formatAmountPlain } from './money';

export type QueuedPayment = Schemas['UnmatchedPaymentDto'];

/** The payment's amount, with its own currency when it is not kronor. */
export function paymentAmount(payment: QueuedPayment, language: Language, t: Translate): string {
  return payment.currency !== 'SEK'
    ? t('payments.queue.otherCurrency', { amount: formatAmountPlain(payment.amountOre, language), currency: payment.currency })
    : formatMoney(payment.amountOre, language);
}

export function ReferenceList({ payment }: { payment: QueuedPayment }) {
  const { t } = useI18n();
  if (payment.references.length === 0) return <>{t('payments.queue.noReferences')}</>;
  return (
    <ul className="plain-list">
      {payment.references.map((reference, index) => (
        <li key={index}>{t(`payments.ref.${reference.kind}`, { value: reference.value })}</li>
      ))}
    </ul>
  );
}
