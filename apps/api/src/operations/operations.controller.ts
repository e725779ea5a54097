import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type SqlClient } from '@pm/event-store';
import { Registry, collectDefaultMetrics, Gauge } from 'prom-client';
import { SQL_CLIENT } from '../infrastructure/database/tokens';
import { LiveUpdates } from '../infrastructure/projections/live-updates';
import { Public, RequireRole } from '../shared/auth/auth.guard';

@ApiTags('operations')
@Controller()
export class OperationsController {
  private readonly registry = new Registry();

  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    live: LiveUpdates,
  ) {
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
  @ApiOkResponse({ description: 'The API is up and its database answers' })
  async health(): Promise<{ status: 'ok'; store: string }> {
    await this.sql.query('SELECT 1');
    return { status: 'ok', store: this.sql.kind };
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
