import { Module } from '@nestjs/common';
import { AuditTrailProjection } from './audit-trail.projection';
import { CaseAuditTrailController, GetCaseAuditTrailHandler } from './case-audit-trail';
import { AuditExportController } from './export-audit-events/audit-export.controller';
import { VerifyChainsController } from './verify-chains/verify-chains.controller';

/** The audit trail: every event with actor, reason, correlation and causation; the export and the tamper evidence of the log. */
@Module({
  controllers: [CaseAuditTrailController, AuditExportController, VerifyChainsController],
  providers: [AuditTrailProjection, GetCaseAuditTrailHandler],
  exports: [AuditTrailProjection],
})
export class AuditModule {}
