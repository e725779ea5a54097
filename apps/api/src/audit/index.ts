export { AuditModule } from './audit.module';
export { AuditTrailProjection } from './audit-trail.projection';
export { AuditFilterError, type AuditFilterInput, companyIdFromParam, parseAuditFilter } from './export-audit-events/audit-filter';
export { AUDIT_FORMATS, type AuditFormat, AUDIT_CSV_COLUMNS, csvField, csvRecord, formatAuditRows } from './export-audit-events/audit-formats';
export { type AuditRow, type AuditExportOptions, type AuditExportProgress, countLogEvents, exportAuditEvents } from './export-audit-events/export-audit-events';
export {
  type AuditChainProblem,
  type AuditChainProblemKind,
  type ChainVerification,
  type StreamAnchor,
  type StreamHead,
  type VerifyFilter,
  type VerifyOptions,
  CHAIN_LIMITS,
  verifyChains,
} from './verify-chains/verify-chains';
