/**
 * Uploading a bank file: a labelled file input inside a drop zone, the progress while the API matches and
 * books (`processed` of `payments`, polled with a client-chosen importId), then the import report; a
 * refused file lists every problem with its line and XML path (read from the answer's own `errors`,
 * whose `{line, path, message}` shape the shared client does not carry).
 */
import { type DragEvent, type FormEvent, type Ref, useEffect, useId, useRef, useState } from 'react';
import { ApiError, type Schemas, unwrap } from '../../api/client';
import { useApp } from '../../app/context';
import { useI18n } from '../../i18n/i18n';
import { formatInstant } from '../../format/format';
import { ErrorMessage, Spinner } from '../../ui/feedback';
import { formatBytes, newUuid } from './money';

type ImportRecord = Schemas['ImportRecordDto'];
type ImportReport = Schemas['ImportReportDto'];
export type ImportIssue = Schemas['ImportIssueDto'];

type UploadState =
  | { kind: 'idle' }
  | { kind: 'running'; fileName: string; importId: string; record: ImportRecord | null; lostConnection: boolean }
  | { kind: 'done'; fileName: string; report: ImportReport }
  | { kind: 'refused'; fileName: string; error: ApiError; issues: ImportIssue[] }
  | { kind: 'failed'; fileName: string; error: unknown };

/** How often a running import is asked for its progress. */
export const POLL_MS = 400;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function issuesOf(body: unknown): ImportIssue[] {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string')
    .map((e) => ({
      message: e.message as string,
      ...(typeof e.line === 'number' ? { line: e.line } : {}),
      ...(typeof e.path === 'string' ? { path: e.path } : {}),
    }));
}

function reportOf(record: ImportRecord): ImportReport {
  return {
    importId: record.importId,
    format: record.format,
    payments: record.payments,
    matched: record.matched,
    partlyMatched: record.partlyMatched,
    unmatched: record.unmatched,
    duplicates: record.duplicates,
    warnings: record.warnings,
    sameFileAs: null,
  };
}

export function IssueList({ issues, className, labelledBy }: { issues: ImportIssue[]; className?: string; labelledBy?: string }) {
  const { t } = useI18n();
  return (
    <ol className={`issues ${className ?? ''}`} tabIndex={issues.length > 8 ? 0 : undefined} aria-labelledby={labelledBy}>
      {issues.map((issue, index) => (
        <li key={index}>
          {(issue.line !== undefined || issue.path) && (
            <span className="issues__where">
              {issue.line !== undefined && <span>{t('payments.issue.line', { line: issue.line })}</span>}
              {issue.path && (
                <span>
                  <span className="visually-hidden">{t('payments.issue.path')}: </span>
                  <code>{issue.path}</code>
                </span>
              )}
            </span>
          )}
          <span className="issues__message">{issue.message}</span>
        </li>
      ))}
    </ol>
  );
}

export function UploadSection({ onImported, findImport }: { onImported: () => void; findImport: (importId: string) => ImportRecord | undefined }) {
  const { api } = useApp();
  const { t, language } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [missingFile, setMissingFile] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [state, setState] = useState<UploadState>({ kind: 'idle' });
  const input = useRef<HTMLInputElement>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const mounted = useRef(true);
  const inputId = useId();
  const hintId = useId();
  const missingId = useId();
  const headingId = useId();
  const issuesId = useId();

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  useEffect(() => {
    if (state.kind === 'done' || state.kind === 'refused' || state.kind === 'failed') resultHeading.current?.focus();
  }, [state.kind]);

  const choose = (chosen: File | null) => {
    setFile(chosen);
    setMissingFile(false);
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer?.files;
    if (!dropped || dropped.length === 0) return;
    try {
      if (input.current) input.current.files = dropped;
    } catch {
      // Some browsers do not let a script set the input's files; the chosen file is kept in state anyway.
    }
    choose(dropped[0]);
  };

  const finished = (fileName: string, report: ImportReport) => {
    if (!mounted.current) return;
    setState({ kind: 'done', fileName, report });
    if (input.current) input.current.value = '';
    setFile(null);
    onImported();
  };

  const upload = async (chosen: File) => {
    const importId = newUuid();
    const fileName = chosen.name;
    const set = (next: UploadState) => {
      if (mounted.current) setState(next);
    };
    set({ kind: 'running', fileName, importId, record: null, lostConnection: false });
    let answered = false;
    let lastRecord: ImportRecord | null = null;
    const poll = async () => {
      while (!answered && mounted.current) {
        await sleep(POLL_MS);
        if (answered || !mounted.current) return;
        const result = await api.GET('/api/payments/imports/{importId}', { params: { path: { importId } } }).catch(() => null);
        if (answered || !result?.data) continue;
        lastRecord = result.data;
        const record = result.data;
        if (mounted.current) setState((s) => (s.kind === 'running' && s.importId === importId ? { ...s, record } : s));
      }
    };
    void poll();

    const form = new FormData();
    form.append('file', chosen, chosen.name);
    const sending = api.POST('/api/payments/imports', { params: { query: { importId } }, body: form as unknown as { file: string } });
    let result: Awaited<typeof sending>;
    try {
      result = await sending;
    } catch (error) {
      answered = true;
      // The connection dropped; the import may still run on the server: follow it there for a while
      // (longer when it was seen running already), then give up with the network error.
      await follow(importId, fileName, set, lastRecord, error);
      return;
    }
    answered = true;
    if (result.response.ok && result.data) return finished(fileName, result.data);
    const error = await unwrap(Promise.resolve(result)).then(
      () => new ApiError(result.response.status, `HTTP.${result.response.status}`, result.response.statusText),
      (e: unknown) => e,
    );
    const issues = issuesOf(result.error);
    if (error instanceof ApiError && result.response.status === 422) set({ kind: 'refused', fileName, error, issues });
    else {
      set({ kind: 'failed', fileName, error });
      // An import that stopped half-way is in the history as failed: show it there.
      onImported();
    }
  };

  const follow = async (importId: string, fileName: string, set: (next: UploadState) => void, last: ImportRecord | null, cause: unknown) => {
    set({ kind: 'running', fileName, importId, record: last, lostConnection: true });
    for (let misses = 0; misses < (last ? 20 : 4) && mounted.current; ) {
      await sleep(POLL_MS * 3);
      const result = await api.GET('/api/payments/imports/{importId}', { params: { path: { importId } } }).catch(() => null);
      const record = result?.data;
      if (!record) {
        misses += 1;
        continue;
      }
      if (record.status === 'done') return finished(fileName, reportOf(record));
      if (record.status !== 'running') {
        set({ kind: 'failed', fileName, error: new Error(record.error ?? t('payments.history.continueHint')) });
        onImported();
        return;
      }
      if (mounted.current) setState((s) => (s.kind === 'running' && s.importId === importId ? { ...s, record } : s));
    }
    set({ kind: 'failed', fileName, error: new ApiError(0, 'NETWORK', cause instanceof Error ? cause.message : String(cause)) });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (state.kind === 'running') return;
    if (!file) {
      setMissingFile(true);
      input.current?.focus();
      return;
    }
    void upload(file);
  };

  const running = state.kind === 'running';
  return (
    <section aria-labelledby={headingId} className="card payments__section">
      <h2 id={headingId}>{t('payments.upload.title')}</h2>
      <form onSubmit={submit} noValidate>
        <div
          className={`dropzone${dragging ? ' dropzone--active' : ''}`}
          onDragEnter={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragOver={(event) => {
            event.preventDefault();
            if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
            setDragging(true);
          }}
          onDragLeave={(event) => {
            if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
          }}
          onDrop={onDrop}
          data-testid="bank-file-dropzone"
        >
          <label htmlFor={inputId} className="dropzone__label">
            {t('payments.upload.fileLabel')}
          </label>
          <input
            ref={input}
            id={inputId}
            type="file"
            className="dropzone__input"
            aria-describedby={missingFile ? `${hintId} ${missingId}` : hintId}
            aria-invalid={missingFile || undefined}
            disabled={running}
            onChange={(event) => choose(event.target.files?.[0] ?? null)}
          />
          <p id={hintId} className="dropzone__hint">
            {dragging ? t('payments.upload.dropHere') : t('payments.upload.hint')}
          </p>
          {file && <p className="dropzone__chosen">{t('payments.upload.chosen', { name: file.name, size: formatBytes(file.size, language) })}</p>}
          {missingFile && (
            <p id={missingId} className="field__error">
              {t('payments.upload.noFile')}
            </p>
          )}
        </div>
        <div className="payments__actions">
          {/* aria-disabled rather than disabled while it runs, so keyboard focus stays on the button. */}
          <button type="submit" className="button button--primary" aria-disabled={running || undefined}>
            {t('payments.upload.submit')}
          </button>
        </div>
      </form>

      {state.kind === 'running' && (
        <div className="upload-progress">
          {state.lostConnection && <p className="notice notice--warning">{t('payments.upload.lostConnection')}</p>}
          {state.record && state.record.payments > 0 ? (
            <>
              <progress max={state.record.payments} value={state.record.processed} aria-label={t('payments.upload.progressLabel')} />
              <p>{t('payments.upload.progress', { processed: state.record.processed, payments: state.record.payments })}</p>
            </>
          ) : (
            <Spinner label={t('payments.upload.sending', { name: state.fileName })} />
          )}
        </div>
      )}

      {state.kind === 'done' && <ImportResult ref={resultHeading} fileName={state.fileName} report={state.report} findImport={findImport} />}

      {state.kind === 'refused' && (
        <div className="import-refused">
          <div className="notice notice--error" role="alert">
            <h3 ref={resultHeading} tabIndex={-1}>
              {t('payments.refused.title')}
            </h3>
            <p>{state.error.message}</p>
            {state.issues.length > 0 && <p id={issuesId}>{t('payments.refused.errors', { count: state.issues.length })}</p>}
          </div>
          {state.issues.length > 0 && <IssueList issues={state.issues} className="issues--errors" labelledBy={issuesId} />}
          <p>{t('payments.refused.nothingBooked')}</p>
        </div>
      )}

      {state.kind === 'failed' && (
        <div className="import-refused">
          <h3 ref={resultHeading} tabIndex={-1} className="visually-hidden">
            {t('payments.refused.title')}
          </h3>
          <ErrorMessage error={state.error} />
        </div>
      )}
    </section>
  );
}

function ImportResult({
  ref,
  fileName,
  report,
  findImport,
}: {
  ref: Ref<HTMLHeadingElement>;
  fileName: string;
  report: ImportReport;
  findImport: (importId: string) => ImportRecord | undefined;
}) {
  const { t, language } = useI18n();
  const warningsId = useId();
  const earlier = report.sameFileAs ? findImport(report.sameFileAs) : undefined;
  const stats: Array<[string, number | string]> = [
    [t('payments.report.format'), t(`payments.format.${report.format}`)],
    [t('payments.report.payments'), report.payments],
    [t('payments.report.matched'), report.matched],
    [t('payments.report.partlyMatched'), report.partlyMatched],
    [t('payments.report.unmatched'), report.unmatched],
    [t('payments.report.duplicates'), report.duplicates],
  ];
  return (
    <div className="import-report" data-testid="import-report">
      <h3 ref={ref} tabIndex={-1}>
        {t('payments.report.title', { name: fileName })}
      </h3>
      {report.sameFileAs && (
        <p className="notice notice--info">
          {earlier ? t('payments.report.sameFile', { when: formatInstant(earlier.startedAt, language) }) : t('payments.report.sameFileUnknown')}
        </p>
      )}
      <dl className="stats">
        {stats.map(([label, value]) => (
          <div key={label} className="stats__item">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {report.unmatched > 0 ? (
        <p>
          <a href="#queue">{t('payments.report.toQueue')}</a>
        </p>
      ) : (
        report.payments > report.duplicates && <p>{t('payments.report.allPlaced')}</p>
      )}
      {report.warnings.length > 0 && (
        <>
          <h4 id={warningsId}>{t('payments.report.warnings', { count: report.warnings.length })}</h4>
          <IssueList issues={report.warnings} labelledBy={warningsId} />
        </>
      )}
    </div>
  );
}
