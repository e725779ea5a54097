/** The import history (`GET /api/payments/imports`, newest first): every uploaded or inbox file with its status and counts. */
import { useId } from 'react';
import { type Schemas } from '../../api/client';
import { formatInstant } from '../../format/format';
import { useI18n } from '../../i18n/i18n';
import { ErrorMessage, Spinner } from '../../ui/feedback';
import { type Resource } from './useResource';

type ImportRecord = Schemas['ImportRecordDto'];

const STATUS_CHIP: Record<ImportRecord['status'], string> = { running: 'chip--info', done: 'chip--ok', failed: 'chip--bad', interrupted: 'chip--warn' };

export function ImportHistory({ imports }: { imports: Resource<ImportRecord[]> }) {
  const { t, language } = useI18n();
  const headingId = useId();
  const rows = imports.data;
  return (
    <section aria-labelledby={headingId} className="payments__section">
      <h2 id={headingId}>{t('payments.history.title')}</h2>
      {imports.error !== undefined && <ErrorMessage error={imports.error} onRetry={imports.reload} />}
      {!rows && imports.loading && <Spinner />}
      {rows && rows.length === 0 && <p>{t('payments.history.empty')}</p>}
      {rows && rows.length > 0 && (
        <div className="table-wrap">
          <table aria-labelledby={headingId}>
            <thead>
              <tr>
                <th scope="col">{t('payments.history.started')}</th>
                <th scope="col">{t('payments.history.file')}</th>
                <th scope="col">{t('payments.history.status')}</th>
                <th scope="col" className="num">
                  {t('payments.history.payments')}
                </th>
                <th scope="col" className="num">
                  {t('payments.history.matched')}
                </th>
                <th scope="col" className="num">
                  {t('payments.history.partlyMatched')}
                </th>
                <th scope="col" className="num">
                  {t('payments.history.unmatched')}
                </th>
                <th scope="col" className="num">
                  {t('payments.history.duplicates')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.importId}>
                  <td>{formatInstant(row.startedAt, language)}</td>
                  <td>
                    <span className="history__file">{row.fileName || t('payments.history.unnamed')}</span>
                    <span className="history__meta">
                      {t(`payments.format.${row.format}`)} · {t(`payments.source.${row.source}`)}
                    </span>
                  </td>
                  <td>
                    <span className={`chip ${STATUS_CHIP[row.status]}`}>
                      {t(`payments.status.${row.status}`)}
                      {row.status === 'running' && ` – ${t('payments.history.progress', { processed: row.processed, payments: row.payments })}`}
                    </span>
                    {(row.status === 'failed' || row.status === 'interrupted') && (
                      <span className="history__meta">
                        {row.error ? `${row.error} ` : ''}
                        {t('payments.history.continueHint')}
                      </span>
                    )}
                  </td>
                  <td className="num">{row.payments}</td>
                  <td className="num">{row.matched}</td>
                  <td className="num">{row.partlyMatched}</td>
                  <td className="num">{row.unmatched}</td>
                  <td className="num">{row.duplicates}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
