/** What other workspace packages (the admin tool, the benchmarks) may use of the API. */
export { loadConfig, type AppConfig } from './config/app-config';
export { signToken, verifyToken, companyIdFor, loginUrl, type TokenClaims, type Role } from './shared/auth/tokens';
export { createApp } from './app';
export { openStorage, type Storage } from './infrastructure/database/open-store';
export { BankPaymentProcessor } from './payments';
export { systemContext } from './shared/http/command-context';
export { projectionsFor, readModelProjections } from './read-models';
export { ProjectionRebuild, RebuildRunningError, UnknownProjectionError, rebuildable, type RebuildProgress } from './infrastructure/projections/projection-rebuild';
export { projectionStatus, type ProjectionStatus } from './infrastructure/projections/projection-status';
export {
  AUDIT_FORMATS,
  AuditFilterError,
  CHAIN_LIMITS,
  companyIdFromParam,
  countLogEvents,
  exportAuditEvents,
  formatAuditRows,
  parseAuditFilter,
  verifyChains,
  type AuditExportProgress,
  type AuditFilterInput,
  type AuditFormat,
  type AuditRow,
  type ChainVerification,
  type StreamAnchor,
  type StreamHead,
} from './audit';
