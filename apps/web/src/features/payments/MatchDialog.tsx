/**
 * Placing a queued payment by hand: on one invoice (found by search, with what it has left to pay), with an
 * overpayment the API refused offered again as "settle the invoice and keep the rest as the customer's
 * credit", or split over several invoices with a running sum that must equal the payment before it can be
 * sent. Amounts are typed in kronor and become öre by string manipulation (parseKronor).
 */
import { useEffect, useId, useRef, useState } from 'react';
import { ApiError, type Schemas, unwrap } from '../../api/client';
import { useApp } from '../../app/context';
import { formatDate, formatMoney } from '../../format/format';
import { type Language, useI18n } from '../../i18n/i18n';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/feedback';
import { oreToInput, parseKronor } from '../../format/amounts';
import { type QueuedPayment, ReferenceList, paymentAmount } from './paymentParts';

type Invoice = Schemas['InvoiceView'];
type MatchResult = Schemas['MatchResultDto'];

interface SplitRow {
  key: number;
  invoiceNumber: string;
  amount: string;
}

interface SplitLine {
  row: SplitRow;
  ore: number | null;
  amountError: boolean;
  invoiceError: boolean;
}

export interface SplitCheck {
  lines: SplitLine[];
  creditOre: number | null;
  creditError: boolean;
  placedOre: number;
  restOre: number;
  duplicate: string | null;
  valid: boolean;
}

/** What the split adds up to, line by line, in öre. */
export function checkSplit(rows: SplitRow[], credit: string, amountOre: number, language: Language): SplitCheck {
  const lines = rows.map((row) => {
    const typed = row.amount.trim() !== '';
    const ore = typed ? parseKronor(row.amount, language) : null;
    return { row, ore, amountError: typed && (ore === null || ore <= 0), invoiceError: typed && row.invoiceNumber.trim() === '' };
  });
  const creditTyped = credit.trim() !== '';
  const creditOre = creditTyped ? parseKronor(credit, language) : 0;
  const placedOre = lines.reduce((sum, line) => sum + (line.ore !== null && line.ore > 0 ? line.ore : 0), 0) + (creditOre ?? 0);
  const numbers = lines.map((line) => line.row.invoiceNumber.trim()).filter((n) => n !== '');
  const duplicate = numbers.find((n, index) => numbers.indexOf(n) !== index) ?? null;
  const valid =
    lines.length > 0 &&
    lines.every((line) => line.row.invoiceNumber.trim() !== '' && line.ore !== null && line.ore > 0) &&
    creditOre !== null &&
    duplicate === null &&
    placedOre === amountOre;
  return { lines, creditOre, creditError: creditOre === null, placedOre, restOre: amountOre - placedOre, duplicate, valid };
}

const numberOr = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isSafeInteger(value) ? value : fallback);

export function MatchDialog({ payment, onClose, onMatched }: { payment: QueuedPayment; onClose: () => void; onMatched: (result: MatchResult) => void }) {
  const { api } = useApp();
  const { t, language } = useI18n();
  const suggested = payment.reason !== 'payout_mismatch' ? (payment.suggestion ?? null) : null;
  const firstReference = payment.references.find((r) => r.kind === 'invoice_number') ?? payment.references.find((r) => r.kind === 'ocr');
  const [mode, setMode] = useState<'single' | 'split'>('single');
  const [query, setQuery] = useState(suggested ?? firstReference?.value ?? '');
  const [search, setSearch] = useState<{ loading: boolean; items: Invoice[] | null; error: unknown }>({ loading: false, items: null, error: undefined });
  const [known, setKnown] = useState<Record<string, Invoice>>({});
  const [selected, setSelected] = useState<string | null>(suggested);
  const [pickFirst, setPickFirst] = useState(false);
  const [overpaid, setOverpaid] = useState<{ invoiceNumber: string; remainingOre: number; creditOre: number } | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [rows, setRows] = useState<SplitRow[]>([{ key: 1, invoiceNumber: '', amount: '' }]);
  const [credit, setCredit] = useState('');
  const nextKey = useRef(2);
  const acceptButton = useRef<HTMLButtonElement>(null);
  const searchInput = useRef<HTMLInputElement>(null);
  const [refocusSearch, setRefocusSearch] = useState(false);
  const ids = { search: useId(), searchHint: useId(), results: useId(), credit: useId(), radios: useId() };

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setSearch({ loading: false, items: null, error: undefined });
      return;
    }
    let current = true;
    setSearch((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      unwrap(api.GET('/api/invoices', { params: { query: { q, pageSize: 10 } } })).then(
        (page) => {
          if (!current) return;
          setSearch({ loading: false, items: page.items, error: undefined });
          setKnown((k) => ({ ...k, ...Object.fromEntries(page.items.map((invoice) => [invoice.invoiceNumber, invoice])) }));
        },
        (failure: unknown) => {
          if (current) setSearch({ loading: false, items: null, error: failure });
        },
      );
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, query]);

  useEffect(() => {
    if (overpaid) acceptButton.current?.focus();
  }, [overpaid]);
  useEffect(() => {
    if (!refocusSearch) return;
    searchInput.current?.focus();
    setRefocusSearch(false);
  }, [refocusSearch]);

  const match = async (body: Schemas['MatchPaymentDto']) => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await unwrap(api.POST('/api/payments/{paymentId}/match', { params: { path: { paymentId: payment.paymentId } }, body }));
      onMatched(result);
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'PAYMENT.EXCEEDS_REMAINING' && body.invoiceNumber && !body.acceptOverpayment) {
        const remainingOre = numberOr(failure.details.remainingClaimOre, known[body.invoiceNumber]?.claimOre ?? 0);
        setOverpaid({ invoiceNumber: body.invoiceNumber, remainingOre, creditOre: numberOr(failure.details.overpaymentOre, payment.amountOre - remainingOre) });
      } else setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const submitSingle = () => {
    if (!selected || !known[selected]) {
      setPickFirst(true);
      return;
    }
    void match({ invoiceNumber: selected });
  };

  const split = checkSplit(rows, credit, payment.amountOre, language);
  const submitSplit = () => {
    if (!split.valid) return;
    void match({
      allocations: split.lines.map((line) => ({ invoiceNumber: line.row.invoiceNumber.trim(), amountOre: line.ore! })),
      ...(split.creditOre ? { overpaymentOre: split.creditOre } : {}),
    });
  };

  const updateRow = (key: number, change: Partial<SplitRow>) => setRows((all) => all.map((row) => (row.key === key ? { ...row, ...change } : row)));
  const addRow = (invoice?: Invoice) => {
    setRows((all) => {
      const rest = payment.amountOre - checkSplit(all, credit, payment.amountOre, language).placedOre;
      const amount = invoice && rest > 0 ? oreToInput(Math.min(rest, Math.max(invoice.claimOre, 0)) || rest, language) : '';
      const empty = all.find((row) => row.invoiceNumber.trim() === '' && row.amount.trim() === '');
      if (empty && invoice) return all.map((row) => (row.key === empty.key ? { ...row, invoiceNumber: invoice.invoiceNumber, amount } : row));
      return [...all, { key: nextKey.current++, invoiceNumber: invoice?.invoiceNumber ?? '', amount }];
    });
  };
  const removeRow = (key: number) => setRows((all) => all.filter((row) => row.key !== key));

  const chosen = selected ? known[selected] : undefined;
  const footer = overpaid ? (
    <>
      <button
        type="button"
        className="button"
        disabled={busy}
        onClick={() => {
          setOverpaid(null);
          setRefocusSearch(true);
        }}
      >
        {t('payments.match.overpaid.other')}
      </button>
      <button ref={acceptButton} type="button" className="button button--primary" disabled={busy} onClick={() => void match({ invoiceNumber: overpaid.invoiceNumber, acceptOverpayment: true })}>
        {t('payments.match.overpaid.accept')}
      </button>
    </>
  ) : (
    <>
      {/* The running sum stays in sight beside the button it enables, however long the list of lines. */}
      {mode === 'split' && (
        <p className={`split__sum${split.restOre === 0 ? ' split__sum--even' : ''}`} role="status" data-testid="split-sum">
          {t('payments.split.sum', { placed: formatMoney(split.placedOre, language), amount: formatMoney(payment.amountOre, language) })}{' '}
          {split.restOre > 0
            ? t('payments.split.left', { rest: formatMoney(split.restOre, language) })
            : split.restOre < 0
              ? t('payments.split.over', { rest: formatMoney(-split.restOre, language) })
              : t('payments.split.even')}
          {split.duplicate && ` ${t('payments.split.duplicate', { number: split.duplicate })}`}
          {split.lines.length === 0 && ` ${t('payments.split.empty')}`}
        </p>
      )}
      <button type="button" className="button" onClick={onClose}>
        {t('app.cancel')}
      </button>
      {mode === 'single' ? (
        <button type="button" className="button button--primary" disabled={busy} onClick={submitSingle}>
          {t('payments.match.submit')}
        </button>
      ) : (
        <button type="button" className="button button--primary" disabled={busy || !split.valid} onClick={submitSplit}>
          {t('payments.split.submit')}
        </button>
      )}
    </>
  );

  return (
    <Dialog title={t('payments.match.title', { reference: payment.bankReference })} onClose={onClose} footer={footer} wide>
      <section className="match__payment" aria-label={t('payments.match.payment')}>
        <dl className="facts">
          <dt>{t('payments.match.amount')}</dt>
          <dd>
            <strong>{paymentAmount(payment, language, t)}</strong>
          </dd>
          <dt>{t('payments.queue.booked')}</dt>
          <dd>{formatDate(payment.bookingDate, language)}</dd>
          <dt>{t('payments.queue.payer')}</dt>
          <dd>{payment.payerName || t('payments.queue.unknownPayer')}</dd>
          <dt>{t('payments.queue.references')}</dt>
          <dd>
            <ReferenceList payment={payment} />
          </dd>
        </dl>
        <p className="match__reason">{t(`payments.reason.${payment.reason}`)}</p>
      </section>

      {overpaid ? (
        <div className="notice notice--warning" role="alert">
          <h3>{t('payments.match.overpaid.title')}</h3>
          <p>
            {t('payments.match.overpaid.text', {
              number: overpaid.invoiceNumber,
              remaining: formatMoney(overpaid.remainingOre, language),
              amount: formatMoney(payment.amountOre, language),
            })}
          </p>
          <p>{t('payments.match.overpaid.offer', { credit: formatMoney(overpaid.creditOre, language) })}</p>
          {error !== undefined && <ErrorMessage error={error} />}
        </div>
      ) : (
        <>
          <fieldset className="segmented">
            <legend>{t('payments.match.mode')}</legend>
            {(['single', 'split'] as const).map((value) => (
              <label key={value} className="segmented__option">
                <input type="radio" name={`${ids.radios}-mode`} value={value} checked={mode === value} onChange={() => setMode(value)} />
                <span>{t(`payments.match.mode.${value}`)}</span>
              </label>
            ))}
          </fieldset>

          <div className="field">
            <label htmlFor={ids.search}>{t('payments.match.search')}</label>
            <input ref={searchInput} id={ids.search} type="search" value={query} autoComplete="off" aria-describedby={ids.searchHint} aria-controls={ids.results} onChange={(event) => setQuery(event.target.value)} />
            <span id={ids.searchHint} className="field__hint">
              {t('payments.match.searchHint')}
            </span>
          </div>

          <div id={ids.results} className="match__results" aria-busy={search.loading || undefined}>
            {search.error !== undefined && <ErrorMessage error={search.error} />}
            {search.loading && !search.items && <p className="field__hint">{t('payments.match.searching')}</p>}
            {!search.loading && search.items === null && search.error === undefined && query.trim() === '' && <p className="field__hint">{t('payments.match.typeToSearch')}</p>}
            {search.items && search.items.length === 0 && <p>{t('payments.match.noResults')}</p>}
            {search.items && search.items.length > 0 && mode === 'single' && (
              <fieldset className="options">
                <legend>{t('payments.match.results')}</legend>
                {search.items.map((invoice) => (
                  <label key={invoice.invoiceNumber} className="option">
                    <input
                      type="radio"
                      name={`${ids.radios}-invoice`}
                      value={invoice.invoiceNumber}
                      checked={selected === invoice.invoiceNumber}
                      onChange={() => {
                        setSelected(invoice.invoiceNumber);
                        setPickFirst(false);
                        setError(undefined);
                      }}
                    />
                    <span>
                      {t('payments.match.option', { number: invoice.invoiceNumber, customer: invoice.customer.name, claim: formatMoney(invoice.claimOre, language) })}
                    </span>
                  </label>
                ))}
              </fieldset>
            )}
            {search.items && search.items.length > 0 && mode === 'split' && (
              <ul className="options plain-list" aria-label={t('payments.match.results')}>
                {search.items.map((invoice) => (
                  <li key={invoice.invoiceNumber} className="option option--row">
                    <span>
                      {t('payments.match.option', { number: invoice.invoiceNumber, customer: invoice.customer.name, claim: formatMoney(invoice.claimOre, language) })}
                    </span>
                    <button type="button" className="button" disabled={rows.some((row) => row.invoiceNumber.trim() === invoice.invoiceNumber)} onClick={() => addRow(invoice)}>
                      {t('payments.split.add', { number: invoice.invoiceNumber })}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>

          {mode === 'single' && (
            <div className="match__summary" aria-live="polite">
              {chosen && (
                <p>
                  {t('payments.match.selected', { number: chosen.invoiceNumber, claim: formatMoney(chosen.claimOre, language), amount: formatMoney(payment.amountOre, language) })}{' '}
                  {payment.amountOre > chosen.claimOre
                    ? t('payments.match.willExceed', { excess: formatMoney(payment.amountOre - chosen.claimOre, language) })
                    : payment.amountOre === chosen.claimOre
                      ? t('payments.match.settles')
                      : t('payments.match.willLeave', { rest: formatMoney(chosen.claimOre - payment.amountOre, language) })}
                </p>
              )}
              {pickFirst && (
                <p className="field__error" role="alert">
                  {t('payments.match.pickFirst')}
                </p>
              )}
            </div>
          )}

          {mode === 'split' && (
            <fieldset className="split">
              <legend>{t('payments.split.lines')}</legend>
              <p className="field__hint">{t('payments.split.intro')}</p>
              <ol className="split__rows plain-list">
                {split.lines.map((line, index) => {
                  const n = index + 1;
                  const claim = known[line.row.invoiceNumber.trim()]?.claimOre;
                  const invoiceErrorId = `${ids.radios}-inv-err-${line.row.key}`;
                  const amountErrorId = `${ids.radios}-amt-err-${line.row.key}`;
                  return (
                    <li key={line.row.key} className="split__row">
                      <div className="field">
                        <label htmlFor={`${ids.radios}-inv-${line.row.key}`}>{t('payments.split.invoice', { n })}</label>
                        <input
                          id={`${ids.radios}-inv-${line.row.key}`}
                          value={line.row.invoiceNumber}
                          autoComplete="off"
                          aria-invalid={line.invoiceError || undefined}
                          aria-describedby={line.invoiceError ? invoiceErrorId : undefined}
                          onChange={(event) => updateRow(line.row.key, { invoiceNumber: event.target.value })}
                        />
                        {claim !== undefined && <span className="field__hint">{t('payments.split.claim', { claim: formatMoney(claim, language) })}</span>}
                        {line.invoiceError && (
                          <span id={invoiceErrorId} className="field__error">
                            {t('payments.split.missingInvoice')}
                          </span>
                        )}
                      </div>
                      <div className="field">
                        <label htmlFor={`${ids.radios}-amt-${line.row.key}`}>{t('payments.split.amount', { n })}</label>
                        <input
                          id={`${ids.radios}-amt-${line.row.key}`}
                          value={line.row.amount}
                          inputMode="decimal"
                          autoComplete="off"
                          aria-invalid={line.amountError || undefined}
                          aria-describedby={line.amountError ? amountErrorId : undefined}
                          onChange={(event) => updateRow(line.row.key, { amount: event.target.value })}
                        />
                        {line.amountError && (
                          <span id={amountErrorId} className="field__error">
                            {t('payments.split.invalidAmount')}
                          </span>
                        )}
                      </div>
                      <button type="button" className="button button--ghost split__remove" onClick={() => removeRow(line.row.key)}>
                        {t('payments.split.remove', { n })}
                      </button>
                    </li>
                  );
                })}
              </ol>
              <button type="button" className="button" onClick={() => addRow()}>
                {t('payments.split.addLine')}
              </button>
              <div className="field split__credit">
                <label htmlFor={ids.credit}>{t('payments.split.credit')}</label>
                <input
                  id={ids.credit}
                  value={credit}
                  inputMode="decimal"
                  autoComplete="off"
                  aria-invalid={split.creditError || undefined}
                  aria-describedby={split.creditError ? `${ids.credit}-err` : undefined}
                  onChange={(event) => setCredit(event.target.value)}
                />
                {split.creditError && (
                  <span id={`${ids.credit}-err`} className="field__error">
                    {t('payments.split.invalidAmount')}
                  </span>
                )}
              </div>

            </fieldset>
          )}

          {error !== undefined && <ErrorMessage error={error} />}
        </>
      )}
    </Dialog>
  );
}
