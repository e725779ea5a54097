export { AuditModule } from './audit.module';
export { AuditTrailProjection } from './audit-trail.projection';
