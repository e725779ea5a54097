/** Pieces of the send previews: the fees that may be added, with what the law says about them, and the ROT/RUT note. */
import { formatMoney } from '../../../format/format';
import { useI18n } from '../../../i18n/i18n';
import { type Fee, type PreviewItem } from '../model';

export function feeText(fee: Fee, t: ReturnType<typeof useI18n>['t'], language: 'sv' | 'en'): string {
  return `${t(`fee.${fee.kind}`)} ${formatMoney(fee.amountOre, language)}`;
}

/** What the fee rules mean for these invoices: a reminder fee only if agreed; businesses pay förseningsersättning instead. */
export function FeeNotes({ items }: { items: PreviewItem[] }) {
  const { t } = useI18n();
  const reminderFee = items.some((item) => item.possibleFees.some((fee) => fee.kind === 'reminder_fee'));
  const business = items.some((item) => item.customerIsCompany === true);
  return (
    <>
      {reminderFee && <p className="fee-note">{t('send.fees.reminderNote')}</p>}
      {business && <p className="fee-note">{t('send.fees.businessNote')}</p>}
    </>
  );
}

export function FeeList({ item }: { item: PreviewItem }) {
  const { t, language } = useI18n();
  if (item.possibleFees.length === 0) return <p>{t('send.fees.none')}</p>;
  return (
    <ul className="fee-list">
      {item.possibleFees.map((fee) => (
        <li key={fee.kind}>
          <span>{t(`fee.${fee.kind}`)}</span> <span className="num">{formatMoney(fee.amountOre, language)}</span>
        </li>
      ))}
    </ul>
  );
}

/** For ROT, RUT and green technology: only the customer's share is claimed; the reduction is Skatteverket's. */
export function TaxReductionNote({ item }: { item: PreviewItem }) {
  const { t, language } = useI18n();
  if (!item.taxReductionType) return null;
  return (
    <p className="notice notice--info">
      {t('send.taxNote', {
        type: t(`taxType.${item.taxReductionType}`),
        share: formatMoney(item.customerShareOre, language),
        reduction: formatMoney(item.totalOre - item.customerShareOre, language),
      })}
    </p>
  );
}
