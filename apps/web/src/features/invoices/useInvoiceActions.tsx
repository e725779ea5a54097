/**
 * The invoice's allowed actions (exactly what the domain computed, nothing more), as menu items for a
 * row or as buttons on the invoice page, with the dialog each one opens and the message of its outcome.
 * Resuming a paused case needs no questions and runs at once.
 */
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import { useApp } from '../../app/context';
import { useI18n } from '../../i18n/i18n';
import { type MenuItem } from '../../ui/Menu';
import { ErrorMessage } from '../../ui/feedback';
import { loadInvoice, resumeCase } from './api';
import { CloseCaseDialog, CreditDialog, PauseCaseDialog, PaymentDialog } from './CommandDialogs';
import { type Invoice, type InvoiceAction } from './model';
import { SendDialog } from './send/SendDialog';

type Notice = { kind: 'ok'; text: string } | { kind: 'warning'; text: string } | { kind: 'error'; error: unknown };

export interface InvoiceActions {
  /** Starts an action; `returnFocus` finds where focus goes when its dialog closes (the menu's item is gone by then). */
  start(action: InvoiceAction, invoice: Invoice, returnFocus?: () => HTMLElement | null): void;
  menuItems(invoice: Invoice, returnFocus?: () => HTMLElement | null): MenuItem[];
  /** The open dialog, if any. */
  dialog: ReactNode;
  /** The outcome of the last action, in a polite live region. */
  notice: ReactNode;
}

export function useInvoiceActions({ onChanged }: { onChanged: (invoice: Invoice) => void }): InvoiceActions {
  const { t } = useI18n();
  const { api, company } = useApp();
  const [open, setOpen] = useState<{ action: InvoiceAction; invoice: Invoice } | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const returnTo = useRef<(() => HTMLElement | null) | null>(null);

  useEffect(() => {
    if (open || !returnTo.current) return;
    const find = returnTo.current;
    returnTo.current = null;
    if (!document.activeElement || document.activeElement === document.body) find()?.focus();
  }, [open]);

  const close = useCallback(() => setOpen(null), []);
  const done = useCallback(
    (invoice: Invoice, text: string) => {
      onChanged(invoice);
      setNotice({ kind: 'ok', text });
      setOpen(null);
    },
    [onChanged],
  );

  const resume = useCallback(
    async (invoice: Invoice) => {
      setNotice(null);
      try {
        done(await resumeCase(api, invoice), t('result.resumed', { n: invoice.invoiceNumber }));
      } catch (caught) {
        if (caught instanceof ApiError && caught.code === 'REQUEST.STALE_VERSION') {
          setNotice({ kind: 'warning', text: t('action.stale', { n: invoice.invoiceNumber }) });
          try {
            onChanged(await loadInvoice(api, invoice.invoiceNumber));
          } catch {
            // The notice already says to look again; the next live update brings the state.
          }
        } else setNotice({ kind: 'error', error: caught });
      }
    },
    [api, done, onChanged, t],
  );

  const start = useCallback(
    (action: InvoiceAction, invoice: Invoice, returnFocus?: () => HTMLElement | null) => {
      if (action === 'open_in_portal') return;
      returnTo.current = returnFocus ?? null;
      if (action === 'resume_case') void resume(invoice);
      else {
        setNotice(null);
        setOpen({ action, invoice });
      }
    },
    [resume],
  );

  const menuItems = (invoice: Invoice, returnFocus?: () => HTMLElement | null): MenuItem[] =>
    invoice.allowedActions.map((action) => {
      if (action === 'open_in_portal') {
        const href = invoice.portalUrl ?? company?.portalUrl ?? undefined;
        return { key: action, label: `${t('action.open_in_portal')} ${t('app.opensInNewTab')}`, href, onSelect: () => undefined };
      }
      return { key: action, label: t(`action.${action}`), onSelect: () => start(action, invoice, returnFocus) };
    });

  let dialog: ReactNode = null;
  if (open) {
    const props = { invoice: open.invoice, onClose: close, onChanged, onDone: done };
    switch (open.action) {
      case 'send_to_reminder_handling':
        dialog = (
          <SendDialog
            invoice={open.invoice}
            onClose={close}
            onChanged={onChanged}
            onSent={async (n) => {
              let fresh: Invoice | null = null;
              try {
                fresh = await loadInvoice(api, n);
              } catch {
                // Sent all the same; the live update brings the new status.
              }
              if (fresh) onChanged(fresh);
              setNotice({ kind: 'ok', text: t('result.sent', { n }) });
              setOpen(null);
            }}
          />
        );
        break;
      case 'close_case':
        dialog = <CloseCaseDialog {...props} />;
        break;
      case 'pause_case':
        dialog = <PauseCaseDialog {...props} />;
        break;
      case 'credit_invoice':
        dialog = <CreditDialog {...props} />;
        break;
      case 'register_payment':
        dialog = <PaymentDialog {...props} />;
        break;
      default:
        dialog = null;
    }
  }

  const noticeNode = (
    <div className="action-notice" aria-live="polite" role="status">
      {notice?.kind === 'ok' && (
        <p className="notice notice--ok">
          {notice.text}{' '}
          <button type="button" className="button button--ghost button--small" onClick={() => setNotice(null)}>
            {t('action.dismiss')}
          </button>
        </p>
      )}
      {notice?.kind === 'warning' && <p className="notice notice--warning">{notice.text}</p>}
      {notice?.kind === 'error' && <ErrorMessage error={notice.error} />}
    </div>
  );

  return { start, menuItems, dialog, notice: noticeNode };
}
