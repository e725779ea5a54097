/**
 * Payments (`/payments`): import a bank file and see its report, the queue of payments to place by hand,
 * the import history, the collection partner's payouts and the SIE 4 export for the accounting program.
 */
import { useCallback, useEffect, useState } from 'react';
import { unwrap } from '../../api/client';
import { useApp } from '../../app/context';
import { useI18n } from '../../i18n/i18n';
import { ImportHistory } from './ImportHistory';
import { Payouts } from './Payouts';
import { SieExport } from './SieExport';
import { UnmatchedQueue } from './UnmatchedQueue';
import { UploadSection } from './UploadSection';
import { useResource } from './useResource';
import './payments.css';

/** While an import in the history runs (an upload elsewhere, or the bank's inbox), the history is reloaded this often. */
const HISTORY_REFRESH_MS = 2000;

export function PaymentsPage(_props: Record<string, unknown> = {}) {
  const { api, live } = useApp();
  const { t } = useI18n();
  const [reloadKey, setReloadKey] = useState(0);
  const loadImports = useCallback(() => unwrap(api.GET('/api/payments/imports')), [api]);
  const loadPayouts = useCallback(() => unwrap(api.GET('/api/payments/payouts')), [api]);
  const imports = useResource(loadImports);
  const payouts = useResource(loadPayouts);
  const { reload: reloadImports } = imports;
  const { reload: reloadPayouts } = payouts;

  const refreshAll = useCallback(() => {
    reloadImports();
    reloadPayouts();
    setReloadKey((k) => k + 1);
  }, [reloadImports, reloadPayouts]);

  const running = imports.data?.some((record) => record.status === 'running') ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(refreshAll, HISTORY_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [running, imports.data, refreshAll]);

  // After the live connection comes back, what changed meanwhile is loaded again.
  useEffect(() => live.subscribe((event) => event.type === 'reconnected' && refreshAll()), [live, refreshAll]);

  const findImport = useCallback((importId: string) => imports.data?.find((record) => record.importId === importId), [imports.data]);

  return (
    <div className="payments">
      <h1>{t('payments.title')}</h1>
      <p className="section-intro">{t('payments.intro')}</p>
      <UploadSection onImported={refreshAll} findImport={findImport} />
      <UnmatchedQueue reloadKey={reloadKey} payouts={payouts.data} />
      <ImportHistory imports={imports} />
      <Payouts payouts={payouts} />
      <SieExport />
    </div>
  );
}
