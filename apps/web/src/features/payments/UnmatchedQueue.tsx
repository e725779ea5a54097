/**
 * The queue of payments a person has to place (`GET /api/payments/unmatched`, oldest first, paged): each
 * with its amount, date, payer, references, the reason in plain words and the suggestion; Match opens the
 * match dialog (one invoice, an accepted overpayment, or a split), Dismiss asks for a reason. A reversal
 * can only be dismissed. After an action the queue reloads.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { type Schemas, unwrap } from '../../api/client';
import { useApp } from '../../app/context';
import { formatDate, formatMoney } from '../../format/format';
import { useI18n } from '../../i18n/i18n';
import { ErrorMessage, Spinner } from '../../ui/feedback';
import { DismissDialog } from './DismissDialog';
import { MatchDialog } from './MatchDialog';
import { type QueuedPayment, ReferenceList, paymentAmount } from './paymentParts';
import { useResource } from './useResource';

type Payout = Schemas['PayoutDto'];
type MatchResult = Schemas['MatchResultDto'];

export const QUEUE_PAGE_SIZE = 20;

function Suggestion({ payment, payouts }: { payment: QueuedPayment; payouts: Payout[] | undefined }) {
  const { t, language } = useI18n();
  if (!payment.suggestion) return null;
  if (payment.reason === 'payout_mismatch') {
    const payout = payouts?.find((p) => p.payoutId === payment.suggestion || p.reference === payment.suggestion);
    return <>{payout ? t('payments.suggestion.payout', { reference: payout.reference, amount: formatMoney(payout.amountOre, language) }) : t('payments.suggestion.payoutUnknown')}</>;
  }
  return <>{t('payments.suggestion.invoice', { number: payment.suggestion })}</>;
}

type Action = { kind: 'match' | 'dismiss'; payment: QueuedPayment } | null;

export function UnmatchedQueue({ reloadKey, payouts }: { reloadKey: number; payouts: Payout[] | undefined }) {
  const { api } = useApp();
  const { t, language } = useI18n();
  const [page, setPage] = useState(1);
  const [action, setAction] = useState<Action>(null);
  const [notice, setNotice] = useState<{ text: string; at: number } | null>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const headingId = useId();
  const load = useCallback(
    () => unwrap(api.GET('/api/payments/unmatched', { params: { query: { page, pageSize: QUEUE_PAGE_SIZE } } })),
    // reloadKey: a new import may have queued payments, so it loads again.
    [api, page, reloadKey],
  );
  const queue = useResource(load);
  const pages = queue.data ? Math.max(1, Math.ceil(queue.data.total / QUEUE_PAGE_SIZE)) : 1;

  useEffect(() => {
    // After the last payment of a page was handled, show the last page there still is.
    if (queue.data && queue.data.items.length === 0 && queue.data.total > 0 && page > 1) setPage(Math.max(1, Math.ceil(queue.data.total / QUEUE_PAGE_SIZE)));
  }, [queue.data, page]);
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const matched = (payment: QueuedPayment, result: MatchResult) => {
    const numbers = result.allocations.map((a) => a.invoiceNumber).join(', ');
    const parts = [t('payments.done.matched', { reference: payment.bankReference, invoices: t('payments.done.invoices', { numbers }) })];
    if (result.overpaymentOre > 0) parts.push(t('payments.done.credit', { amount: formatMoney(result.overpaymentOre, language) }));
    if (result.outcome === 'partlyMatched') parts.push(t('payments.done.partly'));
    setAction(null);
    setNotice({ text: parts.join(' '), at: Date.now() });
    queue.reload();
  };
  const dismissed = (payment: QueuedPayment) => {
    setAction(null);
    setNotice({ text: t('payments.done.dismissed', { reference: payment.bankReference }), at: Date.now() });
    queue.reload();
  };

  const data = queue.data;
  return (
    <section id="queue" aria-labelledby={headingId} className="payments__section">
      <div className="section-head">
        <h2 id={headingId}>{t('payments.queue.title')}</h2>
        {data && data.total > 0 && <span className="chip chip--warn">{t('payments.queue.waiting', { total: data.total })}</span>}
      </div>
      <p className="section-intro">{t('payments.queue.intro')}</p>
      {notice && (
        <p key={notice.at} ref={noticeRef} tabIndex={-1} className="notice notice--ok" role="status">
          {notice.text}
        </p>
      )}
      {queue.error !== undefined && <ErrorMessage error={queue.error} onRetry={queue.reload} />}
      {!data && queue.loading && <Spinner />}
      {data && data.items.length === 0 && data.total === 0 && <p className="notice notice--ok">{t('payments.queue.empty')}</p>}
      {data && data.items.length > 0 && (
        <ul className="queue" aria-labelledby={headingId}>
          {data.items.map((payment) => {
            const titleId = `queue-${payment.paymentId}`;
            return (
              <li key={payment.paymentId} className="queue__item card">
                <article aria-labelledby={titleId}>
                  <div className="queue__head">
                    <h3 id={titleId}>
                      {paymentAmount(payment, language, t)}
                      <span className="queue__payer"> · {payment.payerName || t('payments.queue.unknownPayer')}</span>
                    </h3>
                    <span className={`chip ${payment.reversal ? 'chip--bad' : 'chip--warn'}`}>{t(`payments.reasonShort.${payment.reason}`)}</span>
                  </div>
                  <p className="queue__reason">{t(`payments.reason.${payment.reason}`)}</p>
                  <dl className="facts queue__facts">
                    <dt>{t('payments.queue.booked')}</dt>
                    <dd>{formatDate(payment.bookingDate, language)}</dd>
                    <dt>{t('payments.queue.references')}</dt>
                    <dd>
                      <ReferenceList payment={payment} />
                    </dd>
                    {payment.suggestion && (
                      <>
                        <dt>{t('payments.queue.suggestion')}</dt>
                        <dd>
                          <Suggestion payment={payment} payouts={payouts} />
                        </dd>
                      </>
                    )}
                    <dt>{t('payments.queue.bankReference')}</dt>
                    <dd className="mono">{payment.bankReference}</dd>
                  </dl>
                  <div className="queue__actions">
                    {payment.reversal ? (
                      <p className="queue__note">{t('payments.queue.reversalOnlyDismiss')}</p>
                    ) : (
                      <button type="button" className="button button--primary" aria-label={t('payments.queue.matchLabel', { reference: payment.bankReference })} onClick={() => setAction({ kind: 'match', payment })}>
                        {t('payments.queue.match')}
                      </button>
                    )}
                    <button type="button" className="button" aria-label={t('payments.queue.dismissLabel', { reference: payment.bankReference })} onClick={() => setAction({ kind: 'dismiss', payment })}>
                      {t('payments.queue.dismiss')}
                    </button>
                  </div>
                </article>
              </li>
            );
          })}
        </ul>
      )}
      {data && pages > 1 && (
        <nav className="pager" aria-label={t('payments.pager.label')}>
          <button type="button" className="button" disabled={page <= 1} onClick={() => setPage((p) => Math.max(1, p - 1))}>
            {t('payments.pager.previous')}
          </button>
          <span>{t('payments.pager.status', { page, pages })}</span>
          <button type="button" className="button" disabled={page >= pages} onClick={() => setPage((p) => Math.min(pages, p + 1))}>
            {t('payments.pager.next')}
          </button>
        </nav>
      )}
      {action?.kind === 'match' && <MatchDialog payment={action.payment} onClose={() => setAction(null)} onMatched={(result) => matched(action.payment, result)} />}
      {action?.kind === 'dismiss' && <DismissDialog payment={action.payment} onClose={() => setAction(null)} onDismissed={() => dismissed(action.payment)} />}
    </section>
  );
}
