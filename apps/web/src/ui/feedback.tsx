/** Loading and error states: an API error is shown as its own sentence, never as a raw code or a blank screen. */
import { ApiError } from '../api/client';
import { refusalText } from '../i18n/errors';
import { type Translate, useI18n } from '../i18n/i18n';

export function Spinner({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <p className="spinner" role="status" aria-live="polite">
      <span className="spinner__dot" aria-hidden="true" />
      {label ?? t('app.loading')}
    </p>
  );
}

/** The sentence to show for an error, in the user's language (see i18n/errors.ts). */
export function errorMessage(error: unknown, t: Translate): string {
  if (error instanceof ApiError) return error.code === 'NETWORK' ? t('app.error.network') : refusalText(error.code, error.message, error.details, t.language);
  return error instanceof Error ? error.message : String(error);
}

export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const fields = error instanceof ApiError ? error.fieldErrors : [];
  return (
    <div className="notice notice--error" role="alert">
      <p>
        <strong>{t('app.error.title')}: </strong>
        {errorMessage(error, t)}
      </p>
      {fields.length > 0 && (
        <ul>
          {fields.map((f) => (
            <li key={`${f.field}-${f.message}`}>{f.message}</li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}
