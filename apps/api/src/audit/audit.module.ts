import { Module } from '@nestjs/common';
import { AuditTrailProjection } from './audit-trail.projection';
import { CaseAuditTrailController, GetCaseAuditTrailHandler } from './case-audit-trail';

/** The audit trail: every event with actor, reason, correlation and causation. */
@Module({
  controllers: [CaseAuditTrailController],
  providers: [AuditTrailProjection, GetCaseAuditTrailHandler],
  exports: [AuditTrailProjection],
})
export class AuditModule {}
