/**
 * One invoice and its reminder case: the invoice's details (customer, dates, amounts, OCR, tax reduction
 * and whether it can be requested from Skatteverket), its allowed actions as buttons, and — once sent —
 * the case (status, next planned step, expected claim with interest and fees) and its timeline: every
 * event of the audit trail, newest first, under the next planned step. Everything updates live.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useApp } from '../../app/context';
import { Link } from '../../app/router';
import { formatDate, formatInstant, formatMoney } from '../../format/format';
import { useI18n } from '../../i18n/i18n';
import { ErrorMessage, Spinner } from '../../ui/feedback';
import { type AuditEntry, type CaseView, loadCase, loadCaseEvents, loadInvoice } from '../invoices/api';
import { listPath } from '../invoices/listQuery';
import { type Invoice } from '../invoices/model';
import { StatusChip } from '../invoices/StatusChip';
import { useInvoiceActions } from '../invoices/useInvoiceActions';
import { Timeline } from './Timeline';
import '../invoices/invoices.css';
import './invoice.css';

/** The audit trail is its own projection, written just after the case view: look again briefly if it lags behind. */
const EVENTS_DELAY_MS = 250;
const EVENTS_RETRY_MS = 700;
const EVENTS_ATTEMPTS = 3;

export function InvoicePage({ invoiceNumber }: { invoiceNumber: string }) {
  const { t, language } = useI18n();
  const { api, live, company } = useApp();
  const [invoice, setInvoice] = useState<Invoice | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [caseView, setCaseView] = useState<CaseView | null>(null);
  const [caseError, setCaseError] = useState<unknown>(null);
  const [events, setEvents] = useState<AuditEntry[] | null>(null);
  const [eventsError, setEventsError] = useState<unknown>(null);
  const [announcement, setAnnouncement] = useState('');
  const current = useRef<Invoice | null>(null);
  const caseId = useRef<string | null>(null);
  const eventsTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // Announcements use the current language without making a language switch reload the page.
  const translate = useRef(t);
  useEffect(() => {
    translate.current = t;
  }, [t]);

  const fetchEvents = useCallback(
    async (id: string, attempt: number) => {
      try {
        const trail = await loadCaseEvents(api, id);
        if (caseId.current !== id) return;
        setEvents(trail);
        setEventsError(null);
        const newest = trail.reduce((max, entry) => Math.max(max, entry.streamVersion), 0);
        const version = current.current?.version ?? 0;
        if (newest < version && attempt < EVENTS_ATTEMPTS) eventsTimer.current = setTimeout(() => void fetchEvents(id, attempt + 1), EVENTS_RETRY_MS);
      } catch (caught) {
        if (caseId.current === id) setEventsError(caught);
      }
    },
    [api],
  );

  const scheduleEvents = useCallback(
    (id: string, delay: number) => {
      if (eventsTimer.current) clearTimeout(eventsTimer.current);
      eventsTimer.current = setTimeout(() => void fetchEvents(id, 1), delay);
    },
    [fetchEvents],
  );
  useEffect(() => () => {
    if (eventsTimer.current) clearTimeout(eventsTimer.current);
  }, []);

  const fetchCase = useCallback(
    async (id: string) => {
      try {
        const view = await loadCase(api, id);
        if (caseId.current !== id) return;
        setCaseView(view);
        setCaseError(null);
      } catch (caught) {
        if (caseId.current === id) setCaseError(caught);
      }
    },
    [api],
  );

  /** Shows an invoice (loaded, answered by a command, or pushed live); its case and trail follow it. */
  const show = useCallback(
    (next: Invoice, announce: boolean) => {
      const old = current.current;
      if (old && old.version > next.version) return;
      current.current = next;
      setInvoice(next);
      const tr = translate.current;
      if (announce && old && old.status !== next.status) setAnnouncement(tr('invoice.live.status', { n: next.invoiceNumber, status: tr(`status.${next.status}`) }));
      const id = next.caseId ?? null;
      if (!id) {
        caseId.current = null;
        setCaseView(null);
        setEvents(null);
        return;
      }
      if (id !== caseId.current) {
        caseId.current = id;
        setCaseView(null);
        setEvents(null);
        void fetchCase(id);
        void fetchEvents(id, 1);
      } else if (!old || old.version !== next.version) {
        void fetchCase(id);
        scheduleEvents(id, EVENTS_DELAY_MS);
      }
    },
    [fetchCase, fetchEvents, scheduleEvents],
  );

  const load = useCallback(async () => {
    try {
      const fresh = await loadInvoice(api, invoiceNumber);
      if (current.current && current.current.invoiceNumber !== invoiceNumber) current.current = null;
      show(fresh, false);
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }, [api, invoiceNumber, show]);

  useEffect(() => {
    current.current = null;
    caseId.current = null;
    setInvoice(null);
    setCaseView(null);
    setEvents(null);
    setError(null);
    void load();
  }, [load]);

  useEffect(
    () =>
      live.subscribe((event) => {
        if (event.type === 'invoice.changed' && event.data.invoiceNumber === invoiceNumber) show(event.data, true);
        else if (event.type === 'case.changed' && event.data.caseId === caseId.current) {
          setCaseView(event.data);
          scheduleEvents(event.data.caseId, EVENTS_DELAY_MS);
        } else if (event.type === 'reconnected') {
          void load();
          if (caseId.current) {
            void fetchCase(caseId.current);
            scheduleEvents(caseId.current, 0);
          }
        }
      }),
    [live, invoiceNumber, show, load, fetchCase, scheduleEvents],
  );

  const actions = useInvoiceActions({ onChanged: useCallback((changed: Invoice) => show(changed, false), [show]) });

  if (!invoice)
    return (
      <div className="invoice-page">
        <p>
          <Link to={listPath()}>{t('invoice.back')}</Link>
        </p>
        <h1>{t('invoice.title', { n: invoiceNumber })}</h1>
        {error !== null ? <ErrorMessage error={error} onRetry={() => void load()} /> : <Spinner label={t('invoice.loading')} />}
      </div>
    );

  const money = (ore: number) => formatMoney(ore, language);
  const customer = invoice.customer;
  const tax = invoice.taxReduction;
  const portalUrl = invoice.portalUrl ?? caseView?.portalUrl ?? company?.portalUrl ?? undefined;

  return (
    <div className="invoice-page">
      <p>
        <Link to={listPath()}>{t('invoice.back')}</Link>
      </p>
      <div className="invoice-page__head">
        <h1>{t('invoice.title', { n: invoice.invoiceNumber })}</h1>
        <StatusChip status={invoice.status} />
      </div>
      <p className="visually-hidden" aria-live="polite" role="status" data-testid="live-announcement">
        {announcement}
      </p>
      {actions.notice}

      <section className="invoice-page__actions" aria-labelledby="invoice-actions">
        <h2 id="invoice-actions" className="visually-hidden">
          {t('invoice.actions')}
        </h2>
        {invoice.allowedActions.length === 0 && <p className="muted">{t('invoice.noActions')}</p>}
        <div className="action-bar">
          {invoice.allowedActions.map((action) =>
            action === 'open_in_portal' ? (
              portalUrl ? (
                <a key={action} className="button" href={portalUrl} target="_blank" rel="noreferrer">
                  {t('action.open_in_portal')} <span className="visually-hidden">{t('app.opensInNewTab')}</span>
                </a>
              ) : null
            ) : (
              <button
                key={action}
                type="button"
                className={action === 'send_to_reminder_handling' ? 'button button--primary' : action === 'close_case' || action === 'credit_invoice' ? 'button button--danger' : 'button'}
                onClick={() => actions.start(action, invoice)}
              >
                {t(`action.${action}`)}
              </button>
            ),
          )}
        </div>
      </section>

      <div className="invoice-page__grid">
        <section className="card" aria-labelledby="invoice-details">
          <h2 id="invoice-details">{t('invoice.details')}</h2>
          <dl className="facts">
            <dt>{t('invoice.customer')}</dt>
            <dd>{customer.name}</dd>
            <dt>{t('invoice.customerType')}</dt>
            <dd>{customer.isCompany ? t('invoice.customerType.company') : t('invoice.customerType.person')}</dd>
            <dt>{t('invoice.identityNumber')}</dt>
            <dd>{customer.identityNumber}</dd>
            {customer.email && (
              <>
                <dt>{t('invoice.email')}</dt>
                <dd>{customer.email}</dd>
              </>
            )}
            <dt>{t('invoice.address')}</dt>
            <dd>
              {[customer.address.line1, customer.address.line2, `${customer.address.postalCode} ${customer.address.city}`, customer.address.country !== 'SE' ? customer.address.country : null]
                .filter(Boolean)
                .join(', ')}
            </dd>
            <dt>{t('invoice.invoiceDate')}</dt>
            <dd>{formatDate(invoice.invoiceDate, language)}</dd>
            <dt>{t('invoice.dueDate')}</dt>
            <dd>{formatDate(invoice.dueDate, language)}</dd>
            {invoice.lastDayToPay !== invoice.dueDate && (
              <>
                <dt>{t('invoice.lastDayToPay')}</dt>
                <dd>{formatDate(invoice.lastDayToPay, language)}</dd>
              </>
            )}
            <dt>{t('invoice.total')}</dt>
            <dd>{invoice.currency === 'SEK' ? money(invoice.totalOre) : `${money(invoice.totalOre)} (${invoice.currency})`}</dd>
            <dt>{t('invoice.vat')}</dt>
            <dd>{money(invoice.vatOre)}</dd>
            {tax && (
              <>
                <dt>{t('invoice.taxReduction')}</dt>
                <dd>{t('invoice.taxReduction.value', { type: t(`taxName.${tax.type}`), amount: money(tax.amountOre) })}</dd>
                <dt>{t('invoice.customerShare')}</dt>
                <dd>{money(invoice.customerShareOre)}</dd>
              </>
            )}
            <dt>{t('invoice.paid')}</dt>
            <dd>{money(invoice.paidOre)}</dd>
            <dt>{t('invoice.claim')}</dt>
            <dd>
              <strong>{money(invoice.claimOre)}</strong>
            </dd>
            {invoice.ocr && (
              <>
                <dt>{t('invoice.ocr')}</dt>
                <dd>{invoice.ocr}</dd>
              </>
            )}
            {invoice.sentAt && (
              <>
                <dt>{t('invoice.sentAt')}</dt>
                <dd>{formatInstant(invoice.sentAt, language)}</dd>
              </>
            )}
            {invoice.creditedAt && (
              <>
                <dt>{t('invoice.creditedAt')}</dt>
                <dd>{formatInstant(invoice.creditedAt, language)}</dd>
              </>
            )}
          </dl>
          {tax && (
            <>
              <p className={tax.readyForSkatteverket ? 'notice notice--ok' : 'notice notice--info'} data-testid="skatteverket">
                {tax.readyForSkatteverket ? t('invoice.taxReady') : t('invoice.taxNotReady')}
              </p>
              <p className="muted">{t('invoice.taxClaimNote')}</p>
            </>
          )}
        </section>

        <section className="card" aria-labelledby="invoice-case">
          <h2 id="invoice-case">{t('case.title')}</h2>
          {!invoice.caseId && <p>{t('invoice.noCase')}</p>}
          {invoice.caseId && caseError !== null && <ErrorMessage error={caseError} onRetry={() => void fetchCase(invoice.caseId!)} />}
          {invoice.caseId && !caseView && caseError === null && <Spinner label={t('case.loading')} />}
          {caseView && <CaseFacts caseView={caseView} />}
        </section>
      </div>

      {invoice.caseId && (
        <section className="invoice-page__timeline" aria-labelledby="invoice-timeline">
          <h2 id="invoice-timeline">{t('timeline.title')}</h2>
          {eventsError !== null && <ErrorMessage error={eventsError} onRetry={() => void fetchEvents(invoice.caseId!, EVENTS_ATTEMPTS)} />}
          {!events && eventsError === null && <Spinner label={t('timeline.loading')} />}
          {events && <Timeline events={events} nextStep={caseView?.open ? (caseView.nextStep ?? null) : null} />}
        </section>
      )}

      {actions.dialog}
    </div>
  );
}

function CaseFacts({ caseView }: { caseView: CaseView }) {
  const { t, language } = useI18n();
  const money = (ore: number) => formatMoney(ore, language);
  const date = (value: string | null | undefined) => formatDate(value, language);
  const next = caseView.nextStep;
  const expected = caseView.expectedClaim;
  const raw = caseView.needsAttention ? [caseView.needsAttention.rawState, caseView.needsAttention.rawStatus].filter((v) => typeof v === 'string' && v).join(' / ') : '';
  return (
    <>
      {caseView.needsAttention && (
        <p className="notice notice--warning" role="note">
          {t('case.needsAttention', { raw: raw || '–' })}
        </p>
      )}
      {!caseView.open && <p className="muted">{t('case.earlier')}</p>}
      <dl className="facts">
        <dt>{t('case.status')}</dt>
        <dd>
          <StatusChip status={caseView.status} />
        </dd>
        {caseView.open && (
          <>
            <dt>{t('case.nextStep')}</dt>
            <dd data-testid="next-step">
              {next ? `${t(`nextStep.${next.step}`)}${next.expectedOn ? `, ${t('nextStep.on', { date: date(next.expectedOn) })}` : ''}` : t('case.nextStep.none')}
            </dd>
          </>
        )}
        <dt>{t('case.requestedAt')}</dt>
        <dd>{formatInstant(caseView.requestedAt, language)}</dd>
        <dt>{t('case.initialClaim')}</dt>
        <dd>{money(caseView.initialClaimOre)}</dd>
        {caseView.open && (
          <>
            <dt>{t('case.remaining')}</dt>
            <dd>{money(caseView.remainingClaimOre)}</dd>
          </>
        )}
        {caseView.feesOre > 0 && (
          <>
            <dt>{t('case.feesAdded')}</dt>
            <dd>{money(caseView.feesOre)}</dd>
          </>
        )}
        {caseView.partnerCaseId && (
          <>
            <dt>{t('case.partnerCaseId')}</dt>
            <dd>{caseView.partnerCaseId}</dd>
          </>
        )}
        {caseView.partnerOcr && (
          <>
            <dt>{t('case.partnerOcr')}</dt>
            <dd>{caseView.partnerOcr}</dd>
          </>
        )}
        {caseView.reminderSentOn && (
          <>
            <dt>{t('case.reminderSentOn')}</dt>
            <dd>{date(caseView.reminderSentOn)}</dd>
          </>
        )}
        {caseView.debtCollectionOn && (
          <>
            <dt>{t('case.debtCollectionOn')}</dt>
            <dd>{date(caseView.debtCollectionOn)}</dd>
          </>
        )}
        {caseView.pausedUntil && (
          <>
            <dt>{t('case.pausedUntil')}</dt>
            <dd>{date(caseView.pausedUntil)}</dd>
          </>
        )}
        {caseView.endedAt && (
          <>
            <dt>{t('case.endedAt')}</dt>
            <dd>{formatInstant(caseView.endedAt, language)}</dd>
          </>
        )}
        {caseView.endReason && (
          <>
            <dt>{t('case.endReason')}</dt>
            <dd>{caseView.endReason}</dd>
          </>
        )}
      </dl>
      {expected && (
        <>
          <h3>{t('case.expected.title', { date: date(expected.asOf) })}</h3>
          <dl className="facts facts--money" data-testid="expected-claim">
            <dt>{t('case.expected.capital')}</dt>
            <dd>{money(expected.capitalOre)}</dd>
            <dt>{t('case.expected.interest')}</dt>
            <dd>{money(expected.interestOre)}</dd>
            {expected.fees.map((fee) => (
              <FeeRow key={fee.kind} kind={fee.kind} amountOre={fee.amountOre} />
            ))}
            <dt>{t('case.expected.total')}</dt>
            <dd>
              <strong>{money(expected.totalOre)}</strong>
            </dd>
          </dl>
          {expected.interestEstimated && <p className="muted">{t('case.expected.estimated')}</p>}
        </>
      )}
    </>
  );
}

function FeeRow({ kind, amountOre }: { kind: string; amountOre: number }) {
  const { t, language } = useI18n();
  const label = kind === 'reminder_fee' || kind === 'debt_collection_fee' || kind === 'late_payment_compensation' ? t(`fee.${kind}`) : t('case.expected.fees');
  return (
    <>
      <dt>{label}</dt>
      <dd>{formatMoney(amountOre, language)}</dd>
    </>
  );
}
