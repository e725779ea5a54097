/**
 * The invoice list: server-side filtering, search, sorting and paging (never all invoices at once), all
 * kept in the URL; the status of every invoice as a chip, updated live; a menu of the allowed actions per
 * row; checkboxes for sending many at once; the partner's portal beside it.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { type Schemas, unwrap } from '../../api/client';
import { useApp } from '../../app/context';
import { Link, navigate, useLocation } from '../../app/router';
import { formatDate, formatInstant, formatMoney } from '../../format/format';
import { useI18n } from '../../i18n/i18n';
import { Menu } from '../../ui/Menu';
import { ErrorMessage, Spinner } from '../../ui/feedback';
import { Pager, SortHeader, StatusFilter } from './ListControls';
import { type ListQuery, type SortKey, apiQuery, listQueryString, parseListQuery, rememberListSearch } from './listQuery';
import { type Invoice, stockholmToday } from './model';
import { BulkSendDialog } from './send/BulkSendDialog';
import { StatusChip } from './StatusChip';
import { useInvoiceActions } from './useInvoiceActions';
import './invoices.css';

type InvoicePage = Schemas['InvoicePageDto'];

const COLUMNS: Array<{ key: SortKey; label: `invoices.col.${SortKey}`; className?: string }> = [
  { key: 'invoiceNumber', label: 'invoices.col.invoiceNumber' },
  { key: 'customer', label: 'invoices.col.customer' },
  { key: 'invoiceDate', label: 'invoices.col.invoiceDate', className: 'hide-narrow' },
  { key: 'dueDate', label: 'invoices.col.dueDate' },
  { key: 'total', label: 'invoices.col.total', className: 'num hide-narrow' },
  { key: 'claim', label: 'invoices.col.claim', className: 'num' },
  { key: 'status', label: 'invoices.col.status' },
  { key: 'sentAt', label: 'invoices.col.sentAt', className: 'hide-narrow' },
];

const SEARCH_DELAY_MS = 300;

export function InvoiceListPage() {
  const { t, language } = useI18n();
  const { api, live, company } = useApp();
  const { pathname, search } = useLocation();
  const query = useMemo(() => parseListQuery(search), [search]);
  const key = listQueryString(query);
  const id = useId();

  const [data, setData] = useState<InvoicePage | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [reloads, setReloads] = useState(0);
  const [selection, setSelection] = useState<Map<string, Invoice>>(() => new Map());
  const [bulk, setBulk] = useState<Invoice[] | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [text, setText] = useState(query.q);
  const items = useRef<Invoice[]>([]);
  const sequence = useRef(0);
  const selectAll = useRef<HTMLInputElement>(null);

  useEffect(() => rememberListSearch(key), [key]);

  /** Changes the list's state in the URL (always from the current URL, so quick changes never undo each other). */
  const update = useCallback(
    (change: Partial<ListQuery>, options: { replace?: boolean } = {}) => {
      const current = parseListQuery(window.location.search);
      const next = { ...current, ...change };
      const target = `${pathname}${listQueryString(next)}`;
      if (target !== window.location.pathname + window.location.search) navigate(target, options);
    },
    [pathname],
  );

  useEffect(() => {
    const mine = ++sequence.current;
    setLoading(true);
    unwrap(api.GET('/api/invoices', { params: { query: apiQuery(parseListQuery(key)) }, querySerializer: { array: { style: 'form', explode: false } } }))
      .then((page) => {
        if (mine !== sequence.current) return;
        items.current = page.items;
        setData(page);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (mine === sequence.current) setError(caught);
      })
      .finally(() => {
        if (mine === sequence.current) setLoading(false);
      });
  }, [api, key, reloads]);

  // A page past the end (the list shrank, or an old link): go to the last page there is.
  useEffect(() => {
    if (data && data.items.length === 0 && data.total > 0 && query.page > 1) update({ page: Math.ceil(data.total / query.pageSize) }, { replace: true });
  }, [data, query.page, query.pageSize, update]);

  // The search box writes to the URL a moment after the typing stops; the URL (back, a link) writes to the box.
  useEffect(() => {
    setText((current) => (current.trim() === query.q ? current : query.q));
  }, [query.q]);
  useEffect(() => {
    if (text.trim() === query.q) return;
    const timer = setTimeout(() => update({ q: text.trim(), page: 1 }, { replace: true }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, query.q, update]);

  /** An invoice changed (live, or by an action here): the row shows it without a reload. */
  const apply = useCallback((changed: Invoice, announce: boolean) => {
    const old = items.current.find((invoice) => invoice.invoiceNumber === changed.invoiceNumber);
    if (old && old.version > changed.version) return;
    if (old) {
      items.current = items.current.map((invoice) => (invoice.invoiceNumber === changed.invoiceNumber ? changed : invoice));
      setData((current) => (current ? { ...current, items: items.current } : current));
      if (announce && old.status !== changed.status) setAnnouncement(t('invoices.live.status', { n: changed.invoiceNumber, status: t(`status.${changed.status}`) }));
    }
    setSelection((current) => {
      if (!current.has(changed.invoiceNumber)) return current;
      const next = new Map(current);
      next.set(changed.invoiceNumber, changed);
      return next;
    });
  }, [t]);

  useEffect(
    () =>
      live.subscribe((event) => {
        if (event.type === 'invoice.changed') apply(event.data, true);
        else if (event.type === 'reconnected') setReloads((n) => n + 1);
      }),
    [live, apply],
  );

  const actions = useInvoiceActions({ onChanged: useCallback((invoice: Invoice) => apply(invoice, false), [apply]) });

  const rows = data?.items ?? [];
  const pageSelected = rows.filter((invoice) => selection.has(invoice.invoiceNumber)).length;
  useEffect(() => {
    if (selectAll.current) selectAll.current.indeterminate = pageSelected > 0 && pageSelected < rows.length;
  }, [pageSelected, rows.length]);

  const toggle = (invoice: Invoice, on: boolean) =>
    setSelection((current) => {
      const next = new Map(current);
      if (on) next.set(invoice.invoiceNumber, invoice);
      else next.delete(invoice.invoiceNumber);
      return next;
    });
  const togglePage = (on: boolean) =>
    setSelection((current) => {
      const next = new Map(current);
      for (const invoice of rows) {
        if (on) next.set(invoice.invoiceNumber, invoice);
        else next.delete(invoice.invoiceNumber);
      }
      return next;
    });

  const onSort = (column: SortKey) => update({ sort: column, order: query.sort === column && query.order === 'asc' ? 'desc' : 'asc', page: 1 });
  const filtered = query.status.length > 0 || query.overdue !== null || query.q !== '';
  const sortColumn = COLUMNS.find((column) => column.key === query.sort)!;
  const menuButton = (n: string) => () => {
    const label = t('invoices.actionsFor', { n });
    return [...document.querySelectorAll<HTMLElement>('button[aria-haspopup="menu"]')].find((button) => button.getAttribute('aria-label') === label) ?? null;
  };
  const selectedCount = selection.size;

  return (
    <div className="invoices">
      <div className="invoices__head">
        <h1>{t('invoices.title')}</h1>
        {company?.portalUrl && (
          <a className="invoices__portal" href={company.portalUrl} target="_blank" rel="noreferrer">
            {t('invoices.portalLink')} <span className="visually-hidden">{t('app.opensInNewTab')}</span>
          </a>
        )}
      </div>

      <div className="toolbar invoices__filters" role="group" aria-label={t('invoices.filters')}>
        <form
          role="search"
          className="field field--grow"
          onSubmit={(event) => {
            event.preventDefault();
            update({ q: text.trim(), page: 1 }, { replace: true });
          }}
        >
          <label htmlFor={`${id}-q`}>{t('invoices.search.label')}</label>
          <input id={`${id}-q`} type="search" value={text} maxLength={100} autoComplete="off" aria-describedby={`${id}-q-hint`} onChange={(event) => setText(event.target.value)} />
          <span id={`${id}-q-hint`} className="field__hint">
            {t('invoices.search.hint')}
          </span>
        </form>
        <StatusFilter selected={query.status} onChange={(status) => update({ status, page: 1 })} />
        <label className="field">
          <span>{t('invoices.filter.overdue')}</span>
          <select
            value={query.overdue === null ? 'all' : String(query.overdue)}
            onChange={(event) => update({ overdue: event.target.value === 'all' ? null : event.target.value === 'true', page: 1 })}
          >
            <option value="all">{t('invoices.filter.overdue.all')}</option>
            <option value="true">{t('invoices.filter.overdue.yes')}</option>
            <option value="false">{t('invoices.filter.overdue.no')}</option>
          </select>
        </label>
        {filtered && (
          <button
            type="button"
            className="button button--ghost invoices__reset"
            onClick={() => {
              setText('');
              update({ status: [], overdue: null, q: '', page: 1 });
            }}
          >
            {t('invoices.filter.reset')}
          </button>
        )}
      </div>

      {actions.notice}
      <p className="visually-hidden" aria-live="polite" role="status" data-testid="live-announcement">
        {announcement}
      </p>

      <div className="bulkbar">
        <span className="bulkbar__count" aria-live="polite">
          {selectedCount === 0 ? t('invoices.selected.none') : selectedCount === 1 ? t('invoices.selected.one') : t('invoices.selected.many', { count: selectedCount })}
        </span>
        <button type="button" className="button button--primary" disabled={selectedCount === 0} onClick={() => setBulk([...selection.values()].sort((a, b) => a.invoiceNumber.localeCompare(b.invoiceNumber, 'sv', { numeric: true })))}>
          {t('invoices.sendSelected')}
        </button>
        {selectedCount > 0 && (
          <button type="button" className="button button--ghost" onClick={() => setSelection(new Map())}>
            {t('invoices.clearSelection')}
          </button>
        )}
        {loading && data && <span className="muted invoices__updating">{t('invoices.updating')}</span>}
      </div>

      {error !== null && <ErrorMessage error={error} onRetry={() => setReloads((n) => n + 1)} />}
      {!data && loading && <Spinner label={t('invoices.loading')} />}

      {data && (
        <>
          <div className="table-wrap">
            <table className="invoice-table" aria-busy={loading}>
              <caption className="visually-hidden">
                {t('invoices.caption', { column: t(sortColumn.label), direction: t(`invoices.sort.${query.order}`) })}
              </caption>
              <thead>
                <tr>
                  <th scope="col" className="invoice-table__select">
                    <input ref={selectAll} type="checkbox" aria-label={t('invoices.selectAll')} checked={rows.length > 0 && pageSelected === rows.length} disabled={rows.length === 0} onChange={(event) => togglePage(event.target.checked)} />
                  </th>
                  {COLUMNS.map((column) => (
                    <SortHeader key={column.key} column={column.key} label={t(column.label)} query={query} onSort={onSort} className={column.className} />
                  ))}
                  <th scope="col" className="invoice-table__actions">
                    <span className="visually-hidden">{t('invoices.col.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.length === 0 && (
                  <tr>
                    <td colSpan={COLUMNS.length + 2} className="invoice-table__empty">
                      {filtered ? t('invoices.empty') : t('invoices.emptyAll')}
                    </td>
                  </tr>
                )}
                {rows.map((invoice) => {
                  const n = invoice.invoiceNumber;
                  const selected = selection.has(n);
                  return (
                    <tr key={n} className={selected ? 'is-selected' : undefined}>
                      <td className="invoice-table__select">
                        <input type="checkbox" aria-label={t('invoices.select', { n })} checked={selected} onChange={(event) => toggle(invoice, event.target.checked)} />
                      </td>
                      <th scope="row" className="invoice-table__number">
                        <Link to={{ name: 'invoice', invoiceNumber: n }}>{n}</Link>
                      </th>
                      <td className="invoice-table__customer">{invoice.customer.name}</td>
                      <td className="hide-narrow">{formatDate(invoice.invoiceDate, language)}</td>
                      <td className="invoice-table__due">{formatDate(invoice.dueDate, language)}</td>
                      <td className="num hide-narrow">{formatMoney(invoice.totalOre, language)}</td>
                      <td className="num invoice-table__claim">{formatMoney(invoice.claimOre, language)}</td>
                      <td className="invoice-table__status">
                        <StatusChip status={invoice.status} />
                      </td>
                      <td className="hide-narrow">
                        {invoice.sentAt ? (
                          <time dateTime={invoice.sentAt} title={formatInstant(invoice.sentAt, language)}>
                            {formatDate(stockholmToday(new Date(invoice.sentAt)), language)}
                          </time>
                        ) : (
                          t('invoices.none')
                        )}
                      </td>
                      <td className="invoice-table__actions">
                        <Menu label={t('invoices.actionsFor', { n })} items={actions.menuItems(invoice, menuButton(n))} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div className="invoices__foot">
            <p className="invoices__total">{data.total === 1 ? t('invoices.total.one') : t('invoices.total.many', { count: new Intl.NumberFormat(language === 'sv' ? 'sv-SE' : 'en-GB').format(data.total) })}</p>
            <Pager page={query.page} pageSize={query.pageSize} total={data.total} onPage={(page) => update({ page })} onPageSize={(pageSize) => update({ pageSize, page: 1 })} />
          </div>
        </>
      )}

      {actions.dialog}
      {bulk && (
        <BulkSendDialog
          invoices={bulk}
          onClose={() => setBulk(null)}
          onFinished={(sent) => {
            setSelection((current) => {
              const next = new Map(current);
              for (const n of sent) next.delete(n);
              return next;
            });
            setReloads((n) => n + 1);
          }}
        />
      )}
    </div>
  );
}
