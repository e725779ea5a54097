/**
 * The dialogs of the case and invoice commands: close the case (a reason), pause it (until a date, a
 * reason), credit the invoice (confirm, a reason) and register a payment (kronor typed by the user, a
 * date). Each acts on the version the user saw (If-Match); when the invoice changed meanwhile the API
 * answers 409 REQUEST.STALE_VERSION, and the dialog says so and shows the fresh state to act on.
 */
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { ApiError } from '../../api/client';
import { useApp } from '../../app/context';
import { formatDate, formatMoney } from '../../format/format';
import { useI18n } from '../../i18n/i18n';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/feedback';
import { closeCase, creditInvoice, loadInvoice, pauseCase, registerPayment } from './api';
import { type Invoice, type InvoiceAction, addDays, stockholmToday } from './model';
import { oreToInput, parseAmount } from '../../format/amounts';

export interface CommandDialogProps {
  invoice: Invoice;
  onClose: () => void;
  /** The invoice changed (the command's answer, or a reload after a stale version). */
  onChanged: (invoice: Invoice) => void;
  /** The command is done: the dialog closes and the message is shown. */
  onDone: (invoice: Invoice, message: string) => void;
}

/** Runs a command on the version the user saw; a stale version reloads the invoice and says so. */
export function useGuardedCommand(initial: Invoice, action: InvoiceAction, onChanged: (invoice: Invoice) => void) {
  const { api } = useApp();
  const [invoice, setInvoice] = useState(initial);
  const [error, setError] = useState<unknown>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  const run = async (command: (current: Invoice) => Promise<Invoice>): Promise<Invoice | null> => {
    setBusy(true);
    setError(null);
    setStale(false);
    try {
      return await command(invoice);
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'REQUEST.STALE_VERSION') {
        setStale(true);
        try {
          const fresh = await loadInvoice(api, invoice.invoiceNumber);
          setInvoice(fresh);
          onChanged(fresh);
        } catch (reloadError) {
          setError(reloadError);
        }
      } else setError(caught);
      return null;
    } finally {
      setBusy(false);
    }
  };
  return { invoice, error, stale, busy, allowed: invoice.allowedActions.includes(action), run };
}

type Guard = ReturnType<typeof useGuardedCommand>;

function CommandFrame({ title, guard, submitLabel, formId, onClose, onSubmit, danger, children }: { title: string; guard: Guard; submitLabel: string; formId: string; onClose: () => void; onSubmit: () => void; danger?: boolean; children: ReactNode }) {
  const { t } = useI18n();
  const n = guard.invoice.invoiceNumber;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!guard.busy && guard.allowed) onSubmit();
  };
  return (
    <Dialog
      title={title}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {t('app.cancel')}
          </button>
          <button type="submit" form={formId} className={danger ? 'button button--danger' : 'button button--primary'} disabled={guard.busy || !guard.allowed} aria-busy={guard.busy}>
            {submitLabel}
          </button>
        </>
      }
    >
      {guard.stale && (
        <p className="notice notice--warning" role="alert">
          {t('action.stale', { n })}
        </p>
      )}
      {!guard.allowed && (
        <p className="notice notice--warning" role="alert">
          {t('action.noLongerAllowed', { n })}
        </p>
      )}
      {guard.error !== null && <ErrorMessage error={guard.error} />}
      <form id={formId} onSubmit={submit} noValidate className="form-stack">
        {children}
      </form>
    </Dialog>
  );
}

/** A labelled control with its hint and error beside (not inside) the label, so the control's name is the label alone. */
function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string | null; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <span id={`${id}-hint`} className="field__hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="field__error">
          {error}
        </span>
      )}
    </div>
  );
}

const describedBy = (id: string, hint: boolean, error: string | null | undefined) => [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

export function CloseCaseDialog({ invoice, onClose, onChanged, onDone }: CommandDialogProps) {
  const { t } = useI18n();
  const { api } = useApp();
  const guard = useGuardedCommand(invoice, 'close_case', onChanged);
  const [reason, setReason] = useState('');
  const [invalid, setInvalid] = useState(false);
  const id = useId();
  const reasonError = invalid && !reason.trim() ? t('close.reasonRequired') : null;
  const submit = async () => {
    if (!reason.trim()) {
      setInvalid(true);
      return;
    }
    const done = await guard.run((current) => closeCase(api, current, reason.trim()));
    if (done) onDone(done, t('result.closed', { n: done.invoiceNumber }));
  };
  return (
    <CommandFrame title={t('close.title', { n: invoice.invoiceNumber })} guard={guard} submitLabel={t('close.submit')} formId={`${id}-form`} onClose={onClose} onSubmit={() => void submit()} danger>
      <p>{t('close.intro')}</p>
      <Field id={`${id}-reason`} label={t('close.reason')} hint={t('close.reasonHint')} error={reasonError}>
        <textarea
          id={`${id}-reason`}
          value={reason}
          rows={3}
          maxLength={500}
          required
          aria-invalid={reasonError !== null}
          aria-describedby={describedBy(`${id}-reason`, true, reasonError)}
          onChange={(event) => setReason(event.target.value)}
        />
      </Field>
    </CommandFrame>
  );
}

export function PauseCaseDialog({ invoice, onClose, onChanged, onDone }: CommandDialogProps) {
  const { t, language } = useI18n();
  const { api } = useApp();
  const guard = useGuardedCommand(invoice, 'pause_case', onChanged);
  const tomorrow = addDays(stockholmToday(), 1);
  const [until, setUntil] = useState(addDays(stockholmToday(), 14));
  const [reason, setReason] = useState('');
  const [invalid, setInvalid] = useState(false);
  const id = useId();
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(until) && until >= tomorrow;
  const untilError = invalid && !valid ? t('pause.untilRequired') : null;
  const submit = async () => {
    if (!valid) {
      setInvalid(true);
      return;
    }
    const done = await guard.run((current) => pauseCase(api, current, until, reason.trim()));
    if (done) onDone(done, t('result.paused', { n: done.invoiceNumber, until: formatDate(until, language) }));
  };
  return (
    <CommandFrame title={t('pause.title', { n: invoice.invoiceNumber })} guard={guard} submitLabel={t('pause.submit')} formId={`${id}-form`} onClose={onClose} onSubmit={() => void submit()}>
      <p>{t('pause.intro')}</p>
      <Field id={`${id}-until`} label={t('pause.until')} error={untilError}>
        <input id={`${id}-until`} type="date" value={until} min={tomorrow} required aria-invalid={untilError !== null} aria-describedby={describedBy(`${id}-until`, false, untilError)} onChange={(event) => setUntil(event.target.value)} />
      </Field>
      <Field id={`${id}-reason`} label={t('pause.reason')}>
        <textarea id={`${id}-reason`} value={reason} rows={2} maxLength={500} onChange={(event) => setReason(event.target.value)} />
      </Field>
    </CommandFrame>
  );
}

export function CreditDialog({ invoice, onClose, onChanged, onDone }: CommandDialogProps) {
  const { t } = useI18n();
  const { api } = useApp();
  const guard = useGuardedCommand(invoice, 'credit_invoice', onChanged);
  const [reason, setReason] = useState('');
  const id = useId();
  const submit = async () => {
    const done = await guard.run((current) => creditInvoice(api, current, reason.trim()));
    if (done) onDone(done, t('result.credited', { n: done.invoiceNumber }));
  };
  return (
    <CommandFrame title={t('credit.title', { n: invoice.invoiceNumber })} guard={guard} submitLabel={t('credit.submit')} formId={`${id}-form`} onClose={onClose} onSubmit={() => void submit()} danger>
      <p>{t('credit.intro')}</p>
      <Field id={`${id}-reason`} label={t('credit.reason')}>
        <textarea id={`${id}-reason`} value={reason} rows={2} maxLength={500} onChange={(event) => setReason(event.target.value)} />
      </Field>
    </CommandFrame>
  );
}

export function PaymentDialog({ invoice, onClose, onChanged, onDone }: CommandDialogProps) {
  const { t, language } = useI18n();
  const { api } = useApp();
  const guard = useGuardedCommand(invoice, 'register_payment', onChanged);
  const remaining = guard.invoice.claimOre;
  const [amount, setAmount] = useState(() => oreToInput(invoice.claimOre, language));
  const [paidOn, setPaidOn] = useState(stockholmToday());
  const [reference, setReference] = useState('');
  const [touched, setTouched] = useState(false);
  const id = useId();
  const parsed = parseAmount(amount, language);
  const amountError = !parsed.ok
    ? t(`payment.error.${parsed.reason === 'tooLarge' ? 'invalid' : parsed.reason}`)
    : parsed.ore > remaining
      ? t('payment.error.tooLarge', { remaining: formatMoney(remaining, language) })
      : null;
  const dateError = /^\d{4}-\d{2}-\d{2}$/.test(paidOn) ? null : t('payment.error.date');
  // An amount over what remains is said at once; a malformed one only after trying to register it.
  const shownAmountError = touched || (parsed.ok && amountError) ? amountError : null;
  const shownDateError = touched ? dateError : null;
  const submit = async () => {
    setTouched(true);
    if (amountError || dateError || !parsed.ok) return;
    const ore = parsed.ore;
    const done = await guard.run((current) => registerPayment(api, current, { amountOre: ore, paidOn, ...(reference.trim() ? { reference: reference.trim() } : {}) }));
    if (done) onDone(done, t('result.payment', { n: done.invoiceNumber, amount: formatMoney(ore, language) }));
  };
  return (
    <CommandFrame title={t('payment.title', { n: invoice.invoiceNumber })} guard={guard} submitLabel={t('payment.submit')} formId={`${id}-form`} onClose={onClose} onSubmit={() => void submit()}>
      <p>{t('payment.intro')}</p>
      <dl className="facts">
        <dt>{t('payment.remaining')}</dt>
        <dd>{formatMoney(remaining, language)}</dd>
      </dl>
      <Field id={`${id}-amount`} label={t('payment.amount')} hint={t('payment.amountHint')} error={shownAmountError}>
        <input
          id={`${id}-amount`}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          value={amount}
          required
          aria-invalid={shownAmountError !== null}
          aria-describedby={describedBy(`${id}-amount`, true, shownAmountError)}
          onChange={(event) => setAmount(event.target.value)}
        />
      </Field>
      <Field id={`${id}-date`} label={t('payment.paidOn')} error={shownDateError}>
        <input id={`${id}-date`} type="date" value={paidOn} max={stockholmToday()} required aria-invalid={shownDateError !== null} aria-describedby={describedBy(`${id}-date`, false, shownDateError)} onChange={(event) => setPaidOn(event.target.value)} />
      </Field>
      <Field id={`${id}-ref`} label={t('payment.reference')} hint={t('payment.referenceHint')}>
        <input id={`${id}-ref`} type="text" value={reference} maxLength={100} aria-describedby={`${id}-ref-hint`} onChange={(event) => setReference(event.target.value)} />
      </Field>
    </CommandFrame>
  );
}
