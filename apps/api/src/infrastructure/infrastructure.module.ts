import { type DynamicModule, Global, Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { type AppConfig, APP_CONFIG } from '../config/app-config';
import { Clock, SystemClock } from './event-sourcing/clock';
import { DecisionRunner } from './event-sourcing/decision-runner';
import { EVENT_STORE, SQL_CLIENT } from './database/tokens';
import { type Storage } from './database/open-store';
import { LiveUpdates } from './projections/live-updates';
import { RecentStates } from './event-sourcing/recent-states';
import { ProjectionWaiter } from './projections/projection-waiter';
import { AmiliAdapterProvider, PartnerPortal } from './partner/amili.provider';
import { Leases } from './leases/leases';

const STORAGE = Symbol('STORAGE');

/** Storage, clock and the event-sourcing plumbing every context uses. */
@Global()
@Module({})
export class InfrastructureModule implements OnApplicationShutdown {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  static forRoot(config: AppConfig, storage: Storage, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: STORAGE, useValue: storage },
        { provide: SQL_CLIENT, useValue: storage.sql },
        { provide: EVENT_STORE, useValue: storage.store },
        { provide: Clock, useValue: clock },
        ProjectionWaiter,
        RecentStates,
        LiveUpdates,
        Leases,
        DecisionRunner,
        PartnerPortal,
        ...(config.partner ? [AmiliAdapterProvider] : []),
      ],
      exports: [
        APP_CONFIG,
        SQL_CLIENT,
        EVENT_STORE,
        Clock,
        ProjectionWaiter,
        RecentStates,
        LiveUpdates,
        Leases,
        DecisionRunner,
        PartnerPortal,
        ...(config.partner ? [AmiliAdapterProvider.provide] : []),
      ],
    };
  }

  /** Runs after every module's shutdown hook (projections stop first), so the store closes last. */
  async onApplicationShutdown(): Promise<void> {
    await this.storage.store.close();
    await this.storage.sql.close();
  }
}
