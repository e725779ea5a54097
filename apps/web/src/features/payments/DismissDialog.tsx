/** Dismissing a queued payment (settled outside reminder handling): a reason is required; the only choice for a reversal. */
import { type FormEvent, useId, useRef, useState } from 'react';
import { unwrap } from '../../api/client';
import { useApp } from '../../app/context';
import { formatDate } from '../../format/format';
import { useI18n } from '../../i18n/i18n';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/feedback';
import { type QueuedPayment, paymentAmount } from './paymentParts';

export function DismissDialog({ payment, onClose, onDismissed }: { payment: QueuedPayment; onClose: () => void; onDismissed: () => void }) {
  const { api } = useApp();
  const { t, language } = useI18n();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const formId = useId();
  const fieldId = useId();
  const hintId = useId();
  const errorId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim() === '') {
      setMissing(true);
      field.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await unwrap(api.POST('/api/payments/{paymentId}/dismiss', { params: { path: { paymentId: payment.paymentId } }, body: { reason: reason.trim() } }));
      onDismissed();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t('payments.dismiss.title', { reference: payment.bankReference })}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {t('app.cancel')}
          </button>
          <button type="submit" form={formId} className="button button--danger" disabled={busy}>
            {t('payments.dismiss.submit')}
          </button>
        </>
      }
    >
      <p>
        <strong>{paymentAmount(payment, language, t)}</strong> · {formatDate(payment.bookingDate, language)} · {payment.payerName || t('payments.queue.unknownPayer')}
      </p>
      <p>{payment.reversal ? t('payments.dismiss.reversal') : t('payments.dismiss.intro')}</p>
      <form id={formId} className="dismiss__form" onSubmit={(event) => void submit(event)} noValidate>
        <div className="field">
          <label htmlFor={fieldId}>{t('payments.dismiss.reason')}</label>
          <textarea
            ref={field}
            id={fieldId}
            rows={3}
            maxLength={500}
            required
            aria-required="true"
            aria-invalid={missing || undefined}
            aria-describedby={missing ? `${hintId} ${errorId}` : hintId}
            value={reason}
            onChange={(event) => {
              setReason(event.target.value);
              if (event.target.value.trim() !== '') setMissing(false);
            }}
          />
          <span id={hintId} className="field__hint">
            {t('payments.dismiss.reasonHint')}
          </span>
          {missing && (
            <span id={errorId} className="field__error" role="alert">
              {t('payments.dismiss.reasonRequired')}
            </span>
          )}
        </div>
      </form>
      {error !== undefined && <ErrorMessage error={error} />}
    </Dialog>
  );
}
