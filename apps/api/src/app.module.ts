import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from './audit';
import { CompaniesModule } from './companies';
import { type AppConfig } from './config/app-config';
import { type Clock } from './infrastructure/event-sourcing/clock';
import { type Storage } from './infrastructure/database/open-store';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import { PROJECTIONS } from './infrastructure/projections/projection';
import { ProjectionRunner } from './infrastructure/projections/projection-runner';
import { LiveController } from './live/live.controller';
import { OperationsController } from './operations/operations.controller';
import { ProjectionsAdminController, RebuildService } from './operations/projections/projections-admin';
import { LeasesAdminController } from './operations/leases/leases-admin';
import { WebAppController } from './web-app/web-app.controller';
import { PartnerOutboxProjection, PartnerSyncModule } from './partner-sync';
import { PaymentsModule } from './payments';
import { AccountingModule } from './accounting';
import { READ_MODEL_PROJECTIONS } from './read-models';
import { ReportsModule } from './reports';
import { ReceivablesModule } from './receivables';
import { AuthGuard } from './shared/auth/auth.guard';
import { ErrorFilter } from './shared/http/error.filter';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, storage: Storage, clock?: Clock): DynamicModule {
    // The partner sync (outbox, polling, pushes, reconciliation) runs only when a partner is configured.
    const withPartner = config.partner !== undefined;
    const projections: unknown[] = [...READ_MODEL_PROJECTIONS];
    if (withPartner) projections.push(PartnerOutboxProjection);
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot(config, storage, clock),
        CqrsModule.forRoot(),
        CompaniesModule,
        ReceivablesModule,
        AuditModule,
        PaymentsModule,
        AccountingModule,
        ReportsModule,
        ...(withPartner ? [PartnerSyncModule] : []),
      ],
      controllers: [LiveController, OperationsController, ProjectionsAdminController, LeasesAdminController, ...(config.webDir ? [WebAppController] : [])],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: PROJECTIONS, useFactory: (...all: unknown[]) => all, inject: projections as never[] },
        ProjectionRunner,
        RebuildService,
      ],
    };
  }
}
