import { Controller, Get, Header, Inject, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { type EventStore, PostgresEventStore, type SqlClient } from '@pm/event-store';
import { Registry, collectDefaultMetrics, Gauge } from 'prom-client';
import { EVENT_STORE, SQL_CLIENT } from '../infrastructure/database/tokens';
import { LiveUpdates } from '../infrastructure/projections/live-updates';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Public, RequireRole } from '../shared/auth/auth.guard';

@ApiTags('operations')
@Controller()
export class OperationsController {
  private readonly logger = new Logger(OperationsController.name);
  private readonly registry = new Registry();
  /** Where the event log is: in the SQL database, or on a server of its own (KurrentDB), which health checks too. */
  private readonly eventLog: string;
  private readonly logApart: boolean;

  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
    live: LiveUpdates,
  ) {
    this.logApart = !(store instanceof PostgresEventStore);
    this.eventLog = !this.logApart ? sql.kind : config.eventStore === 'eventstoredb' ? 'kurrentdb' : 'memory';
    collectDefaultMetrics({ register: this.registry });
    const db = this.sql;
    new Gauge({
      name: 'pm_live_clients',
      help: 'Live update streams (GET /api/events) open on this instance',
      registers: [this.registry],
      collect() {
        this.set(live.clients);
      },
    });
    new Gauge({
      name: 'pm_projection_checkpoint_age_seconds',
      help: 'Seconds since each projection last wrote its checkpoint',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        const { rows } = await db.query<{ projection: string; age: number | string }>(
          'SELECT projection, EXTRACT(EPOCH FROM now() - updated_at) AS age FROM rm_checkpoints',
        );
        for (const row of rows) this.set({ projection: row.projection }, Number(row.age));
      },
    });
    new Gauge({
      name: 'pm_events_total',
      help: 'Events in the log, as seen by the audit trail',
      registers: [this.registry],
      async collect() {
        const { rows } = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM rm_audit');
        this.set(Number(rows[0].n));
      },
    });
  }

  @Get('health')
  @Public()
  @ApiOkResponse({ description: '{status: ok, store, eventLog}: the API is up, its database answers, and so does the event log where it is kept apart (KurrentDB)' })
  @ApiServiceUnavailableResponse({ description: 'HEALTH.UNAVAILABLE: the database or the event log does not answer' })
  async health(): Promise<{ status: 'ok'; store: string; eventLog: string }> {
    const down: string[] = [];
    // Why a check failed goes to the log only: this route answers anyone, and a driver's error can name hosts.
    const check = (what: string, probe: () => Promise<unknown>) =>
      probe().catch((error: unknown) => {
        down.push(what);
        this.logger.warn(`Health check: ${what} does not answer: ${(error as Error)?.message ?? String(error)}`);
      });
    await Promise.all([
      check('the database', () => this.sql.query('SELECT 1')),
      this.logApart ? check('the event log', () => this.store.headPosition()) : undefined,
    ]);
    if (down.length > 0) throw new ServiceUnavailableException({ code: 'HEALTH.UNAVAILABLE', message: `Not ready: ${down.join(' and ')} ${down.length > 1 ? 'do' : 'does'} not answer.` });
    return { status: 'ok', store: this.sql.kind, eventLog: this.eventLog };
  }

  @Get('metrics')
  @ApiBearerAuth()
  @RequireRole('admin')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  @ApiOkResponse({ description: 'Prometheus metrics (admin token)' })
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
