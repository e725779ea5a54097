/**
 * The SIE 4 export of a period's booked payments. The download needs the bearer header, so the file is
 * fetched as a blob through the typed client and saved through an object URL and a temporary anchor,
 * named as the API's Content-Disposition says.
 */
import { type FormEvent, useId, useState } from 'react';
import { ApiError, unwrap } from '../../api/client';
import { useApp } from '../../app/context';
import { useI18n } from '../../i18n/i18n';
import { ErrorMessage, Spinner } from '../../ui/feedback';
import { fileNameFromDisposition, localToday } from './money';

/** Saves a blob as a file in the browser's downloads. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.rel = 'noopener';
  anchor.style.display = 'none';
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function SieExport() {
  const { api } = useApp();
  const { t } = useI18n();
  const today = localToday();
  const [from, setFrom] = useState(`${today.slice(0, 4)}-01-01`);
  const [to, setTo] = useState(today);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<'missing' | 'period' | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<string | null>(null);
  const headingId = useId();
  const fromId = useId();
  const toId = useId();
  const problemId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    setError(undefined);
    if (!from || !to) return setProblem('missing');
    if (from > to) return setProblem('period');
    setProblem(null);
    setBusy(true);
    try {
      const call = api.GET('/api/accounting/sie', { params: { query: { from, to } }, parseAs: 'blob' });
      const result = await call;
      if (!result.response.ok) await unwrap(call);
      const blob = result.data as unknown;
      if (!(blob instanceof Blob)) throw new ApiError(result.response.status, 'SIE.EMPTY', result.response.statusText || 'The file was empty.');
      const name = fileNameFromDisposition(result.response.headers.get('Content-Disposition')) ?? `betalningar-${from}-${to}.si`;
      saveBlob(blob, name);
      setDone(name);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : await unwrap(Promise.reject(failure)).catch((e: unknown) => e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={headingId} className="card payments__section">
      <h2 id={headingId}>{t('payments.sie.title')}</h2>
      <p className="section-intro">{t('payments.sie.intro')}</p>
      <form className="toolbar" onSubmit={(event) => void submit(event)} noValidate>
        <div className="field">
          <label htmlFor={fromId}>{t('payments.sie.from')}</label>
          <input id={fromId} type="date" value={from} max={to || undefined} required aria-invalid={problem !== null || undefined} aria-describedby={problem ? problemId : undefined} onChange={(event) => setFrom(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={toId}>{t('payments.sie.to')}</label>
          <input id={toId} type="date" value={to} min={from || undefined} required aria-invalid={problem !== null || undefined} aria-describedby={problem ? problemId : undefined} onChange={(event) => setTo(event.target.value)} />
        </div>
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('payments.sie.submit')}
        </button>
      </form>
      {busy && <Spinner label={t('payments.sie.downloading')} />}
      {problem && (
        <p id={problemId} className="field__error" role="alert">
          {problem === 'missing' ? t('payments.sie.missingDate') : t('payments.sie.badPeriod')}
        </p>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
      {done && (
        <p className="notice notice--ok" role="status">
          {t('payments.sie.done', { name: done })}
        </p>
      )}
    </section>
  );
}
