/**
 * The list's filters, sorting and page live in the URL query (so a reload or a shared link shows the same
 * list): `status` (comma-separated), `overdue` (true/false), `q`, `sort`, `order`, `page`, `pageSize`.
 * Defaults are left out of the URL; unknown values are ignored.
 */
import { type InvoiceStatus, isInvoiceStatus } from './model';

export const SORTS = ['invoiceNumber', 'customer', 'invoiceDate', 'dueDate', 'total', 'claim', 'status', 'sentAt'] as const;
export type SortKey = (typeof SORTS)[number];
export type Order = 'asc' | 'desc';
export const PAGE_SIZES = [25, 50, 100, 200, 500] as const;

export interface ListQuery {
  status: InvoiceStatus[];
  overdue: boolean | null;
  q: string;
  sort: SortKey;
  order: Order;
  page: number;
  pageSize: number;
}

export const DEFAULT_QUERY: ListQuery = { status: [], overdue: null, q: '', sort: 'dueDate', order: 'asc', page: 1, pageSize: 50 };

const positive = (value: string | null, max: number): number | null => {
  if (!value || !/^\d{1,7}$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && n <= max ? n : null;
};

export function parseListQuery(search: string): ListQuery {
  const params = new URLSearchParams(search);
  const status = [...new Set((params.get('status') ?? '').split(',').filter(isInvoiceStatus))];
  const overdue = params.get('overdue');
  const sort = params.get('sort');
  return {
    status,
    overdue: overdue === 'true' ? true : overdue === 'false' ? false : null,
    q: (params.get('q') ?? '').slice(0, 100),
    sort: (SORTS as readonly string[]).includes(sort ?? '') ? (sort as SortKey) : DEFAULT_QUERY.sort,
    order: params.get('order') === 'desc' ? 'desc' : 'asc',
    page: positive(params.get('page'), 1_000_000) ?? 1,
    pageSize: positive(params.get('pageSize'), 500) ?? DEFAULT_QUERY.pageSize,
  };
}

/** The URL query for a list state ("" for the defaults), in a stable order. */
export function listQueryString(query: ListQuery): string {
  const params = new URLSearchParams();
  if (query.status.length) params.set('status', query.status.join(','));
  if (query.overdue !== null) params.set('overdue', String(query.overdue));
  if (query.q.trim()) params.set('q', query.q.trim());
  if (query.sort !== DEFAULT_QUERY.sort || query.order !== DEFAULT_QUERY.order) {
    params.set('sort', query.sort);
    params.set('order', query.order);
  }
  if (query.page !== 1) params.set('page', String(query.page));
  if (query.pageSize !== DEFAULT_QUERY.pageSize) params.set('pageSize', String(query.pageSize));
  const text = params.toString().replace(/%2C/g, ',');
  return text ? `?${text}` : '';
}

/** The API's query parameters for a list state. */
export function apiQuery(query: ListQuery) {
  return {
    ...(query.status.length ? { status: query.status } : {}),
    ...(query.overdue !== null ? { overdue: query.overdue } : {}),
    ...(query.q.trim() ? { q: query.q.trim() } : {}),
    sort: query.sort,
    order: query.order,
    page: query.page,
    pageSize: query.pageSize,
  };
}

/** Where the list last was, so "back to the invoices" returns to the same filters and page. */
let lastListSearch = '';
export const rememberListSearch = (search: string) => {
  lastListSearch = search;
};
export const listPath = () => `/invoices${lastListSearch}`;
