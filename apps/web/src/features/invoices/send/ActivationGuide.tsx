/**
 * The activation guide, shown on the first send while the company has not accepted the partner's terms
 * in force: what the service does, that the company stays in control, and the terms version with an
 * explicit acceptance. `POST /api/activation`, then the company is reloaded and the send continues.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useApp } from '../../../app/context';
import { useI18n } from '../../../i18n/i18n';
import { Dialog } from '../../../ui/Dialog';
import { ErrorMessage, Spinner } from '../../../ui/feedback';
import { activate } from '../api';

const STEPS = 3;

export function ActivationGuide({ onClose, onActivated }: { onClose: () => void; onActivated: () => void }) {
  const { t } = useI18n();
  const { api, company, refreshCompany } = useApp();
  const [step, setStep] = useState(1);
  const [accepted, setAccepted] = useState(false);
  const [mustAccept, setMustAccept] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  const id = useId();
  const activation = company?.activation ?? null;
  const termsVersion = activation?.termsVersion ?? null;

  // Reached through the API's refusal while the company looked active (or not loaded yet): read it again.
  useEffect(() => {
    if (!activation || activation.active) void refreshCompany().catch((caught: unknown) => setError(caught));
    // Only when the guide opens.
  }, []);

  // A new step is announced by moving to its heading (not on opening: the dialog places focus itself).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    heading.current?.focus();
  }, [step]);

  const submit = async () => {
    if (!accepted) {
      setMustAccept(true);
      return;
    }
    if (!termsVersion) return;
    setBusy(true);
    setError(null);
    try {
      await activate(api, termsVersion);
      await refreshCompany();
      onActivated();
    } catch (caught) {
      setError(caught);
      // Outdated terms: show the version now in force, to be read and accepted again.
      setAccepted(false);
      void refreshCompany().catch(() => undefined);
    } finally {
      setBusy(false);
    }
  };

  const why =
    activation?.activationNeeded === 'legacy_service'
      ? t('activation.legacy')
      : activation?.activationNeeded === 'new_terms'
        ? t('activation.newTerms')
        : activation?.activationNeeded === 'deactivated'
          ? t('activation.deactivated')
          : null;

  const footer = (
    <>
      {step === 1 ? (
        <button type="button" className="button" onClick={onClose}>
          {t('app.cancel')}
        </button>
      ) : (
        <button type="button" className="button" onClick={() => setStep(step - 1)}>
          {t('activation.back')}
        </button>
      )}
      {step < STEPS ? (
        <button type="button" className="button button--primary" onClick={() => setStep(step + 1)}>
          {t('activation.next')}
        </button>
      ) : (
        <button type="button" className="button button--primary" onClick={() => void submit()} disabled={busy || !termsVersion} aria-busy={busy}>
          {t('activation.submit')}
        </button>
      )}
    </>
  );

  return (
    <Dialog title={t('activation.title')} onClose={onClose} footer={footer}>
      <p className="guide__progress">{t('activation.step', { step, steps: STEPS })}</p>
      {why && step === 1 && <p className="notice notice--info">{why}</p>}
      {step === 1 && (
        <section aria-labelledby={`${id}-h`}>
          <h3 id={`${id}-h`} ref={heading} tabIndex={-1}>
            {t('activation.step1.title')}
          </h3>
          <ul className="guide__list">
            <li>{t('activation.step1.reminder')}</li>
            <li>{t('activation.step1.debtCollection')}</li>
            <li>{t('activation.step1.fees')}</li>
          </ul>
        </section>
      )}
      {step === 2 && (
        <section aria-labelledby={`${id}-h`}>
          <h3 id={`${id}-h`} ref={heading} tabIndex={-1}>
            {t('activation.step2.title')}
          </h3>
          <ul className="guide__list">
            <li>{t('activation.step2.dispute')}</li>
            <li>{t('activation.step2.stop')}</li>
            <li>{t('activation.step2.payments')}</li>
          </ul>
        </section>
      )}
      {step === 3 && (
        <section aria-labelledby={`${id}-h`}>
          <h3 id={`${id}-h`} ref={heading} tabIndex={-1}>
            {t('activation.step3.title')}
          </h3>
          {termsVersion ? (
            <>
              <p>{t('activation.step3.terms', { version: termsVersion })}</p>
              <label className="check check--large">
                <input
                  type="checkbox"
                  checked={accepted}
                  aria-invalid={mustAccept && !accepted}
                  aria-describedby={`${id}-must`}
                  onChange={(event) => {
                    setAccepted(event.target.checked);
                    if (event.target.checked) setMustAccept(false);
                  }}
                />
                <span>{t('activation.accept', { version: termsVersion })}</span>
              </label>
              {mustAccept && !accepted && (
                <p id={`${id}-must`} className="field__error" role="alert">
                  {t('activation.mustAccept')}
                </p>
              )}
            </>
          ) : error === null ? (
            <Spinner />
          ) : null}
          {busy && <Spinner label={t('activation.activating')} />}
        </section>
      )}
      {error !== null && <ErrorMessage error={error} />}
    </Dialog>
  );
}
