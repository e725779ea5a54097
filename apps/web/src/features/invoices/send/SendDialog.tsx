/**
 * Sending one invoice: the activation guide first when the company has not activated, then the
 * confirmation from `POST /api/reminder-cases/preview` (customer, invoice, the amount to claim — for
 * ROT/RUT/green technology only the customer's share —, the fees that may be added, the interest rate),
 * or the refusal in words and no send button. The send carries the confirmed claim and the version seen:
 * a changed claim (409 CASE.CLAIM_CHANGED) shows the new figure and asks again; a stale view reloads;
 * a 422 COMPANY.NOT_ACTIVATED opens the guide and then sends what was confirmed.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../../../api/client';
import { useApp } from '../../../app/context';
import { formatBasisPoints, formatMoney } from '../../../format/format';
import { useI18n } from '../../../i18n/i18n';
import { Dialog } from '../../../ui/Dialog';
import { ErrorMessage, Spinner } from '../../../ui/feedback';
import { loadInvoice, previewSending, sendToReminderHandling } from '../api';
import { type Invoice, type PreviewItem } from '../model';
import { ActivationGuide } from './ActivationGuide';
import { FeeList, FeeNotes, TaxReductionNote } from './PreviewParts';
import { refusalText } from '../../../i18n/errors';

export function SendDialog({ invoice: initial, onClose, onChanged, onSent }: { invoice: Invoice; onClose: () => void; onChanged: (invoice: Invoice) => void; onSent: (invoiceNumber: string) => Promise<void> | void }) {
  const { t, language } = useI18n();
  const { api, company } = useApp();
  const [invoice, setInvoice] = useState(initial);
  const [phase, setPhase] = useState<'activation' | 'confirm'>(company?.activation.active === false ? 'activation' : 'confirm');
  const [preview, setPreview] = useState<PreviewItem | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [sendError, setSendError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [pendingClaim, setPendingClaim] = useState<number | null>(null);
  const n = invoice.invoiceNumber;

  const loadPreview = useCallback(async (): Promise<PreviewItem | null> => {
    setLoadError(null);
    try {
      const [item] = await previewSending(api, [n]);
      setPreview(item ?? null);
      return item ?? null;
    } catch (caught) {
      setLoadError(caught);
      return null;
    }
  }, [api, n]);

  useEffect(() => {
    if (phase === 'confirm') void loadPreview();
  }, [phase, loadPreview]);

  const send = async (claimOre: number, current: Invoice) => {
    setBusy(true);
    setSendError(null);
    setNotice(null);
    try {
      await sendToReminderHandling(api, current, claimOre);
      await onSent(current.invoiceNumber);
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'COMPANY.NOT_ACTIVATED') {
        setPendingClaim(claimOre);
        setPhase('activation');
      } else if (caught instanceof ApiError && caught.code === 'CASE.CLAIM_CHANGED') {
        const fresh = await loadPreview();
        const claim = typeof caught.details.claimOre === 'number' ? caught.details.claimOre : fresh?.claimOre;
        setNotice(claim === undefined ? caught.message : t('send.claimChanged', { amount: formatMoney(claim, language) }));
      } else if (caught instanceof ApiError && caught.code === 'REQUEST.STALE_VERSION') {
        try {
          const fresh = await loadInvoice(api, current.invoiceNumber);
          setInvoice(fresh);
          onChanged(fresh);
          await loadPreview();
          setNotice(t('action.stale', { n: current.invoiceNumber }));
        } catch (reloadError) {
          setSendError(reloadError);
        }
      } else setSendError(caught);
    } finally {
      setBusy(false);
    }
  };

  if (phase === 'activation')
    return (
      <ActivationGuide
        onClose={onClose}
        onActivated={() => {
          setPhase('confirm');
          if (pendingClaim !== null) {
            const claim = pendingClaim;
            setPendingClaim(null);
            void send(claim, invoice);
          }
        }}
      />
    );

  const canSend = preview?.canSend === true;
  return (
    <Dialog
      title={t('send.title', { n })}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {canSend ? t('app.cancel') : t('app.close')}
          </button>
          {canSend && preview && (
            <button type="button" className="button button--primary" disabled={busy} aria-busy={busy} onClick={() => void send(preview.claimOre, invoice)}>
              {t('send.submit')}
            </button>
          )}
        </>
      }
    >
      {loadError !== null && <ErrorMessage error={loadError} onRetry={() => void loadPreview()} />}
      {!preview && loadError === null && <Spinner label={t('send.loading')} />}
      {notice && (
        <p className="notice notice--warning" role="alert">
          {notice}
        </p>
      )}
      {sendError !== null && <ErrorMessage error={sendError} />}
      {preview && !preview.canSend && (
        <div className="notice notice--error" role="alert">
          <p>
            <strong>{t('send.refused')}</strong>
          </p>
          <p>{preview.refusal ? refusalText(preview.refusal.code, preview.refusal.message, preview.refusal.details, t.language) : null}</p>
        </div>
      )}
      {preview && preview.found && (
        <>
          <dl className="facts">
            <dt>{t('send.customer')}</dt>
            <dd>
              {preview.customerName}
              {preview.customerIsCompany !== null && preview.customerIsCompany !== undefined && (
                <span className="muted"> ({preview.customerIsCompany ? t('send.customer.company') : t('send.customer.person')})</span>
              )}
            </dd>
            <dt>{t('send.invoice')}</dt>
            <dd>{preview.invoiceNumber}</dd>
            <dt>{t('send.total')}</dt>
            <dd>{formatMoney(preview.totalOre, language)}</dd>
            {preview.taxReductionType && (
              <>
                <dt>{t('send.customerShare')}</dt>
                <dd>{formatMoney(preview.customerShareOre, language)}</dd>
              </>
            )}
            <dt>{t('send.claim')}</dt>
            <dd>
              <strong data-testid="send-claim">{formatMoney(preview.claimOre, language)}</strong>
            </dd>
            <dt>{t('send.interestRate')}</dt>
            <dd>{t('send.interestRateValue', { rate: formatBasisPoints(preview.interestRateBasisPoints, language) })}</dd>
            {preview.interestSoFarOre > 0 && (
              <>
                <dt>{t('send.interestSoFar')}</dt>
                <dd>{formatMoney(preview.interestSoFarOre, language)}</dd>
              </>
            )}
          </dl>
          <TaxReductionNote item={preview} />
          {preview.canSend && (
            <>
              <h3>{t('send.fees.title')}</h3>
              <p>{t('send.fees.intro')}</p>
              <FeeList item={preview} />
              <FeeNotes items={[preview]} />
              <p>{t('send.howItGoes')}</p>
            </>
          )}
        </>
      )}
      {busy && <Spinner label={t('send.sending')} />}
    </Dialog>
  );
}
