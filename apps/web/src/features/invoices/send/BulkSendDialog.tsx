/**
 * Sending many invoices: the preview (`POST /api/reminder-cases/preview`) splits them into what will be
 * sent (customer, invoice, claim, possible fees) and what will be refused and why; "Send N invoices"
 * then sends only the sendable ones, each with its confirmed claim and the version seen, a few at a time,
 * with per-invoice progress and outcome. The activation guide comes first when needed, and again if a
 * send is refused as not activated; the sending then continues with what is left.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../../../api/client';
import { useApp } from '../../../app/context';
import { formatMoney } from '../../../format/format';
import { useI18n } from '../../../i18n/i18n';
import { Dialog } from '../../../ui/Dialog';
import { ErrorMessage, Spinner, errorMessage } from '../../../ui/feedback';
import { previewSending, sendToReminderHandling } from '../api';
import { type Invoice, type PreviewItem } from '../model';
import { ActivationGuide } from './ActivationGuide';
import { FeeNotes, feeText } from './PreviewParts';
import { refusalText } from '../../../i18n/errors';

type Outcome = { state: 'pending' | 'sending' | 'sent' | 'failed' | 'stopped'; message?: string };
type Phase = 'activation' | 'preview' | 'sending' | 'done';

const CONCURRENCY = 3;

export function BulkSendDialog({ invoices, onClose, onFinished }: { invoices: Invoice[]; onClose: () => void; onFinished: (sent: string[]) => void }) {
  const { t, language } = useI18n();
  const { api, company } = useApp();
  const [phase, setPhase] = useState<Phase>(company?.activation.active === false ? 'activation' : 'preview');
  const [items, setItems] = useState<PreviewItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const stop = useRef(false);
  const resumeAfterActivation = useRef(false);
  const sent = useRef<string[]>([]);
  const versions = useRef(new Map(invoices.map((invoice) => [invoice.invoiceNumber, invoice.version])));
  const numbers = invoices.map((invoice) => invoice.invoiceNumber).join('\n');
  const id = useId();

  const load = async () => {
    setError(null);
    try {
      setItems(await previewSending(api, numbers.split('\n')));
    } catch (caught) {
      setError(caught);
    }
  };
  // The selection is fixed while the dialog is open: previewed once.
  useEffect(() => {
    void load();
  }, []);

  const sendable = (items ?? []).filter((item) => item.canSend);
  const refused = (items ?? []).filter((item) => !item.canSend);
  const outcomeOf = (n: string): Outcome => outcomes[n] ?? { state: 'pending' };
  const setOutcome = (n: string, outcome: Outcome) => setOutcomes((current) => ({ ...current, [n]: outcome }));

  const failure = (caught: unknown): string => {
    if (caught instanceof ApiError && caught.code === 'CASE.CLAIM_CHANGED' && typeof caught.details.claimOre === 'number')
      return t('bulk.outcome.claimChanged', { amount: formatMoney(caught.details.claimOre, language) });
    if (caught instanceof ApiError && caught.code === 'REQUEST.STALE_VERSION') return t('bulk.outcome.stale');
    return errorMessage(caught, t);
  };

  const run = async (queue: PreviewItem[]) => {
    setPhase('sending');
    stop.current = false;
    let needsActivation = false;
    let next = 0;
    const worker = async () => {
      while (!stop.current && !needsActivation && next < queue.length) {
        const item = queue[next++];
        const n = item.invoiceNumber;
        setOutcome(n, { state: 'sending' });
        try {
          await sendToReminderHandling(api, { invoiceNumber: n, version: versions.current.get(n) }, item.claimOre);
          sent.current.push(n);
          setOutcome(n, { state: 'sent' });
        } catch (caught) {
          if (caught instanceof ApiError && caught.code === 'COMPANY.NOT_ACTIVATED') {
            needsActivation = true;
            setOutcome(n, { state: 'pending' });
          } else setOutcome(n, { state: 'failed', message: failure(caught) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
    if (needsActivation) {
      resumeAfterActivation.current = true;
      setPhase('activation');
      return;
    }
    if (stop.current)
      setOutcomes((current) => {
        const updated = { ...current };
        for (const item of queue) if (!updated[item.invoiceNumber] || updated[item.invoiceNumber].state === 'pending') updated[item.invoiceNumber] = { state: 'stopped' };
        return updated;
      });
    setPhase('done');
    onFinished([...sent.current]);
  };

  const remaining = () => sendable.filter((item) => ['pending', 'sending'].includes(outcomeOf(item.invoiceNumber).state));

  if (phase === 'activation')
    return (
      <ActivationGuide
        onClose={onClose}
        onActivated={() => {
          if (resumeAfterActivation.current) {
            resumeAfterActivation.current = false;
            void run(remaining());
          } else setPhase('preview');
        }}
      />
    );

  const done = sendable.filter((item) => ['sent', 'failed', 'stopped'].includes(outcomeOf(item.invoiceNumber).state)).length;
  const sentCount = sendable.filter((item) => outcomeOf(item.invoiceNumber).state === 'sent').length;
  const started = phase === 'sending' || phase === 'done';

  const footer =
    phase === 'preview' ? (
      <>
        <button type="button" className="button" onClick={onClose}>
          {t('app.cancel')}
        </button>
        {sendable.length > 0 && (
          <button type="button" className="button button--primary" onClick={() => void run(sendable)}>
            {sendable.length === 1 ? t('bulk.submit.one') : t('bulk.submit.many', { count: sendable.length })}
          </button>
        )}
      </>
    ) : phase === 'sending' ? (
      <button
        type="button"
        className="button"
        onClick={() => {
          stop.current = true;
        }}
      >
        {t('bulk.stop')}
      </button>
    ) : (
      <button type="button" className="button button--primary" onClick={onClose}>
        {t('app.close')}
      </button>
    );

  return (
    <Dialog title={t('bulk.title')} onClose={phase === 'sending' ? () => (stop.current = true) : onClose} footer={footer} wide>
      {error !== null && <ErrorMessage error={error} onRetry={() => void load()} />}
      {!items && error === null && <Spinner label={t('bulk.loading')} />}
      {started && (
        <div className="bulk__progress">
          <progress max={sendable.length} value={done} aria-labelledby={`${id}-progress`} />
          <p id={`${id}-progress`} role="status">
            {phase === 'done' ? t('bulk.done', { sent: sentCount, count: sendable.length }) : t('bulk.progress', { done, count: sendable.length })}
          </p>
        </div>
      )}
      {items && (
        <>
          <section aria-labelledby={`${id}-sendable`} data-testid="bulk-sendable">
            <h3 id={`${id}-sendable`}>{t('bulk.sendable', { count: sendable.length })}</h3>
            {sendable.length === 0 ? (
              <p className="notice notice--warning">{t('bulk.noneSendable')}</p>
            ) : (
              <div className="table-wrap">
                <table className="bulk__table">
                  <thead>
                    <tr>
                      <th scope="col">{t('bulk.col.invoice')}</th>
                      <th scope="col">{t('bulk.col.customer')}</th>
                      <th scope="col" className="num">
                        {t('bulk.col.claim')}
                      </th>
                      <th scope="col">{t('bulk.col.fees')}</th>
                      {started && <th scope="col">{t('bulk.col.outcome')}</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {sendable.map((item) => {
                      const outcome = outcomeOf(item.invoiceNumber);
                      return (
                        <tr key={item.invoiceNumber}>
                          <th scope="row">{item.invoiceNumber}</th>
                          <td>{item.customerName}</td>
                          <td className="num">
                            {formatMoney(item.claimOre, language)}
                            {item.taxReductionType && <span className="bulk__share">{t('bulk.customerShare', { type: t(`taxType.${item.taxReductionType}`) })}</span>}
                          </td>
                          <td>{item.possibleFees.length ? item.possibleFees.map((fee) => feeText(fee, t, language)).join(', ') : t('send.fees.none')}</td>
                          {started && (
                            <td className={`bulk__outcome bulk__outcome--${outcome.state}`}>
                              {outcome.state === 'failed' ? t('bulk.outcome.failed', { message: outcome.message ?? '' }) : t(`bulk.outcome.${outcome.state}`)}
                            </td>
                          )}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
            <FeeNotes items={sendable} />
          </section>
          {refused.length > 0 && (
            <section aria-labelledby={`${id}-refused`} data-testid="bulk-refused">
              <h3 id={`${id}-refused`}>{t('bulk.refused', { count: refused.length })}</h3>
              <div className="table-wrap">
                <table className="bulk__table">
                  <thead>
                    <tr>
                      <th scope="col">{t('bulk.col.invoice')}</th>
                      <th scope="col">{t('bulk.col.customer')}</th>
                      <th scope="col">{t('bulk.col.reason')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {refused.map((item) => (
                      <tr key={item.invoiceNumber}>
                        <th scope="row">{item.invoiceNumber}</th>
                        <td>{item.customerName ?? '–'}</td>
                        <td>{item.refusal ? refusalText(item.refusal.code, item.refusal.message, item.refusal.details, t.language) : t('bulk.notFound')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          )}
        </>
      )}
    </Dialog>
  );
}
