/** The collection partner's payouts (`GET /api/payments/payouts`, newest first): capital and interest per invoice, announced or received. */
import { useId } from 'react';
import { type Schemas } from '../../api/client';
import { formatDate, formatMoney } from '../../format/format';
import { useI18n } from '../../i18n/i18n';
import { ErrorMessage, Spinner } from '../../ui/feedback';
import { type Resource } from './useResource';

type Payout = Schemas['PayoutDto'];

export function Payouts({ payouts }: { payouts: Resource<Payout[]> }) {
  const { t, language } = useI18n();
  const headingId = useId();
  const rows = payouts.data;
  return (
    <section aria-labelledby={headingId} className="payments__section">
      <h2 id={headingId}>{t('payments.payouts.title')}</h2>
      <p className="section-intro">{t('payments.payouts.intro')}</p>
      {payouts.error !== undefined && <ErrorMessage error={payouts.error} onRetry={payouts.reload} />}
      {!rows && payouts.loading && <Spinner />}
      {rows && rows.length === 0 && <p>{t('payments.payouts.empty')}</p>}
      {rows && rows.length > 0 && (
        <div className="table-wrap">
          <table aria-labelledby={headingId}>
            <thead>
              <tr>
                <th scope="col">{t('payments.payouts.date')}</th>
                <th scope="col" className="num">
                  {t('payments.payouts.amount')}
                </th>
                <th scope="col">{t('payments.payouts.reference')}</th>
                <th scope="col">{t('payments.payouts.items')}</th>
                <th scope="col">{t('payments.payouts.status')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((payout) => (
                <tr key={payout.payoutId}>
                  <td>{formatDate(payout.payoutDate, language)}</td>
                  <td className="num">{formatMoney(payout.amountOre, language)}</td>
                  <td className="mono">{payout.reference}</td>
                  <td>
                    <ul className="plain-list">
                      {payout.items.map((item) => (
                        <li key={`${item.partnerPaymentId}-${item.invoiceNumber}`}>
                          {t('payments.payouts.item', { number: item.invoiceNumber, capital: formatMoney(item.capitalOre, language), interest: formatMoney(item.interestOre, language) })}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    {payout.status === 'received' ? (
                      <span className="chip chip--ok">{payout.receivedOn ? t('payments.payouts.received', { date: formatDate(payout.receivedOn, language) }) : t('payments.payouts.receivedNoDate')}</span>
                    ) : (
                      <span className="chip chip--info">{t('payments.payouts.announced')}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
