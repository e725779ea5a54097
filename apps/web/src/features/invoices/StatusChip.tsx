/** A status as a coloured chip with its words (Swedish or English): the label carries the meaning, not the colour. */
import { useI18n } from '../../i18n/i18n';
import { type InvoiceStatus, STATUS_TONE, isInvoiceStatus } from './model';

export function StatusChip({ status }: { status: InvoiceStatus | string }) {
  const { t } = useI18n();
  if (!isInvoiceStatus(status)) return <span className="chip chip--bad">{status}</span>;
  return (
    <span className={`chip chip--${STATUS_TONE[status]}`} data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}
