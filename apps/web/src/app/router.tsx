/**
 * A small history router: the API serves the app on exactly these paths (WEB_APP_ROUTES in
 * apps/api/src/web-app), so a reload or a shared link opens the same screen.
 */
import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useRef, useSyncExternalStore } from 'react';

export type Route =
  | { name: 'invoices' }
  | { name: 'invoice'; invoiceNumber: string }
  | { name: 'payments' }
  | { name: 'reports' }
  | { name: 'signin' }
  | { name: 'not_found' };

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/invoices') return { name: 'invoices' };
  const invoice = /^\/invoices\/([^/]+)$/.exec(path);
  if (invoice) return { name: 'invoice', invoiceNumber: decodeURIComponent(invoice[1]) };
  if (path === '/payments') return { name: 'payments' };
  if (path === '/reports') return { name: 'reports' };
  if (path === '/signin') return { name: 'signin' };
  return { name: 'not_found' };
}

export function pathOf(route: Route): string {
  switch (route.name) {
    case 'invoices':
      return '/invoices';
    case 'invoice':
      return `/invoices/${encodeURIComponent(route.invoiceNumber)}`;
    case 'payments':
      return '/payments';
    case 'reports':
      return '/reports';
    case 'signin':
      return '/signin';
    default:
      return '/';
  }
}

const listeners = new Set<() => void>();
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
};

export function navigate(to: Route | string, options: { replace?: boolean } = {}): void {
  const path = typeof to === 'string' ? to : pathOf(to);
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

/** The current location (path and query), re-rendering on navigation. */
export function useLocation(): { pathname: string; search: string } {
  const href = useSyncExternalStore(subscribe, () => window.location.pathname + window.location.search);
  const [pathname, search = ''] = href.split('?');
  return { pathname, search: search ? `?${search}` : '' };
}

export function useRoute(): Route {
  return parseRoute(useLocation().pathname);
}

/** Moves focus to the main content after a navigation (not on the first page), so screen readers announce the new screen. */
export function useFocusOnNavigation(ref: { current: HTMLElement | null }, key: string): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    ref.current?.focus();
  }, [key, ref]);
}

export function Link({ to, onClick, ...rest }: { to: Route | string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const href = typeof to === 'string' ? to : pathOf(to);
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
