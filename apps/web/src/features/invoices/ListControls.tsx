/** The list's controls: the status filter (a disclosure with a checkbox per status), the sortable column header, and the pager. */
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { INVOICE_STATUSES, type InvoiceStatus, STATUS_TONE } from './model';
import { type ListQuery, PAGE_SIZES, type SortKey } from './listQuery';

export function StatusFilter({ selected, onChange }: { selected: InvoiceStatus[]; onChange: (statuses: InvoiceStatus[]) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const id = useId();
  useEffect(() => {
    if (!open) return;
    const outside = (event: MouseEvent) => {
      if (!panel.current?.contains(event.target as Node) && !button.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    setOpen(false);
    button.current?.focus();
  };
  const toggle = (status: InvoiceStatus, on: boolean) => onChange(on ? INVOICE_STATUSES.filter((s) => s === status || selected.includes(s)) : selected.filter((s) => s !== status));
  return (
    <div
      className="status-filter"
      onKeyDown={onKey}
      onBlur={(event) => {
        // Tabbing out of the filter closes it, as clicking elsewhere does.
        if (open && event.relatedTarget instanceof Node && !event.currentTarget.contains(event.relatedTarget)) setOpen(false);
      }}
    >
      <span className="field__label" aria-hidden="true">
        {t('invoices.col.status')}
      </span>
      <button ref={button} type="button" className="button status-filter__button" aria-expanded={open} aria-controls={`${id}-panel`} onClick={() => setOpen((o) => !o)}>
        {t('invoices.filter.status')}
        {selected.length > 0 && <span className="status-filter__count"> ({selected.length})</span>}
        <span aria-hidden="true" className="status-filter__caret">
          ▾
        </span>
      </button>
      <div ref={panel} id={`${id}-panel`} className="status-filter__panel" hidden={!open}>
        <fieldset>
          <legend>{t('invoices.filter.statusLegend')}</legend>
          <div className="status-filter__options">
            {INVOICE_STATUSES.map((status) => (
              <label key={status} className="check">
                <input type="checkbox" checked={selected.includes(status)} onChange={(event) => toggle(status, event.target.checked)} />
                <span className={`status-dot status-dot--${STATUS_TONE[status]}`} aria-hidden="true" />
                <span>{t(`status.${status}`)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <button type="button" className="button button--ghost" onClick={() => onChange([])} disabled={selected.length === 0}>
          {t('invoices.filter.statusAll')}
        </button>
      </div>
    </div>
  );
}

export function SortHeader({ column, label, query, onSort, className }: { column: SortKey; label: string; query: ListQuery; onSort: (column: SortKey) => void; className?: string }) {
  const active = query.sort === column;
  const sort = active ? (query.order === 'asc' ? 'ascending' : 'descending') : 'none';
  return (
    <th scope="col" className={className} aria-sort={sort}>
      <button type="button" className="sort-button" onClick={() => onSort(column)}>
        {label}
        <span aria-hidden="true" className={active ? 'sort-indicator sort-indicator--active' : 'sort-indicator'}>
          {active ? (query.order === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}

export function Pager({ page, pageSize, total, onPage, onPageSize }: { page: number; pageSize: number; total: number; onPage: (page: number) => void; onPageSize: (size: number) => void }) {
  const { t, language } = useI18n();
  const number = (n: number) => new Intl.NumberFormat(language === 'sv' ? 'sv-SE' : 'en-GB').format(n);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  const sizes = (PAGE_SIZES as readonly number[]).includes(pageSize) ? PAGE_SIZES : [...PAGE_SIZES, pageSize].sort((a, b) => a - b);
  const go = (label: string, symbol: string, target: number, disabled: boolean) => (
    <button type="button" className="button pager__button" disabled={disabled} onClick={() => onPage(target)} title={label}>
      <span aria-hidden="true">{symbol}</span>
      <span className="visually-hidden">{label}</span>
    </button>
  );
  return (
    <nav className="pager" aria-label={t('invoices.pager.label')}>
      <p className="pager__range">{t('invoices.pager.range', { from: number(from), to: number(to), total: number(total) })}</p>
      <label className="pager__size">
        <span>{t('invoices.pager.pageSize')}</span>
        <select value={pageSize} onChange={(event) => onPageSize(Number(event.target.value))}>
          {sizes.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </label>
      <div className="pager__buttons">
        {go(t('invoices.pager.first'), '«', 1, page <= 1)}
        {go(t('invoices.pager.previous'), '‹', page - 1, page <= 1)}
        <span className="pager__status" aria-live="polite">
          {t('invoices.pager.status', { page: number(page), pages: number(pages) })}
        </span>
        {go(t('invoices.pager.next'), '›', page + 1, page >= pages)}
        {go(t('invoices.pager.last'), '»', pages, page >= pages)}
      </div>
    </nav>
  );
}
