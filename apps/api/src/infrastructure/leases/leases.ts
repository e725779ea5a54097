/**
 * Leases: the background work that must run in exactly one API instance at a time (the projections, each
 * partner-sync job) is done by whichever instance holds its lease, a row in `rm_leases` beside the read
 * models. A lease lasts `LEASE_TTL_MS` (default 5 s) and its holder renews it every third of that; when the
 * holder dies, the lease runs out and another instance takes it over, so the work moves within seconds. A
 * graceful shutdown hands its leases back at once.
 *
 * The holder trusts its lease only until its own clock says it may have run out (counted from when it sent
 * the renewal, so never later than the database's expiry) and checks `holds()` before each unit of work,
 * so two instances never work at once, even when a holder stalls past its lease. Every new holder gets a
 * higher `token` (a fencing token; also shown by `GET /api/admin/leases`).
 */
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type SqlClient } from '@pm/event-store';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { SQL_CLIENT } from '../database/tokens';
import { migrate } from '../database/migrate';

export const LEASES_TABLE = 'rm_leases';

const SCHEMA = `CREATE TABLE IF NOT EXISTS ${LEASES_TABLE} (
  name text PRIMARY KEY,
  holder text NOT NULL,
  token bigint NOT NULL,
  acquired_at timestamptz NOT NULL,
  renewed_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
)`;

/** A lease's row, as the admin endpoint shows it. */
export interface LeaseRow {
  name: string;
  holder: string;
  token: number;
  acquiredAt: string;
  renewedAt: string;
  expiresAt: string;
  /** Whether it is still in force (not run out). */
  active: boolean;
}

interface Held {
  token: number;
  /** performance.now() until which this instance may trust the lease. */
  validUntil: number;
}

interface Maintained {
  onAcquired: () => Promise<void> | void;
  onLost: () => Promise<void> | void;
  /** Serialises the callbacks of one lease: an acquisition waits for the loss before it. */
  changing: Promise<void>;
  acquired: boolean;
}

/** A holder may trust its lease for this share of the TTL: room for a clock that runs a little slow. */
const TRUST = 0.9;

export const defaultInstanceId = (): string => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

@Injectable()
export class Leases implements OnApplicationShutdown {
  private readonly logger = new Logger(Leases.name);
  readonly holder: string;
  readonly ttlMs: number;
  private readonly held = new Map<string, Held>();
  private readonly maintained = new Map<string, Maintained>();
  private schema?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private closed = false;

  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'instanceId' | 'leaseTtlMs'>,
  ) {
    this.holder = config.instanceId ?? defaultInstanceId();
    this.ttlMs = config.leaseTtlMs ?? 5000;
  }

  /** Whether this instance holds `name` now (a local check: call it before each unit of leased work). */
  holds(name: string): boolean {
    const lease = this.held.get(name);
    return lease !== undefined && performance.now() < lease.validUntil;
  }

  /** Takes `name` when it is free or run out (or renews it when held); true when this instance holds it. */
  async acquire(name: string): Promise<boolean> {
    if (this.closed) return false;
    if (this.holds(name)) return true;
    await this.ensureSchema();
    const sentAt = performance.now();
    const { rows } = await this.sql.query<{ token: string }>(
      `INSERT INTO ${LEASES_TABLE} AS l (name, holder, token, acquired_at, renewed_at, expires_at)
       VALUES ($1, $2, 1, now(), now(), now() + $3 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET
         holder = EXCLUDED.holder,
         token = CASE WHEN l.holder = EXCLUDED.holder THEN l.token ELSE l.token + 1 END,
         acquired_at = CASE WHEN l.holder = EXCLUDED.holder THEN l.acquired_at ELSE now() END,
         renewed_at = now(),
         expires_at = EXCLUDED.expires_at
       WHERE l.holder = EXCLUDED.holder OR l.expires_at < now()
       RETURNING token`,
      [name, this.holder, this.ttlMs],
    );
    if (rows.length === 0 || this.closed) return false;
    const token = Number(rows[0].token);
    if (!this.held.has(name)) this.logger.log(`This instance (${this.holder}) now holds the lease "${name}" (token ${token})`);
    this.held.set(name, { token, validUntil: sentAt + this.ttlMs * TRUST });
    this.startTimer();
    return true;
  }

  /**
   * Keeps trying to hold `name` for as long as this instance runs: `onAcquired` runs when it gets it,
   * `onLost` when it loses it (run out, taken over, or handed back at shutdown), never overlapping. The
   * first attempt is made before this resolves.
   */
  async maintain(name: string, callbacks: { onAcquired: () => Promise<void> | void; onLost: () => Promise<void> | void }): Promise<void> {
    this.maintained.set(name, { ...callbacks, changing: Promise.resolve(), acquired: false });
    this.startTimer();
    await this.tryMaintained(name);
    await this.maintained.get(name)?.changing;
  }

  /** Hands `name` back so another instance can take it at once (the token stays, so the next one is higher). */
  async release(name: string): Promise<void> {
    if (!this.held.delete(name)) return;
    await this.sql
      .query(`UPDATE ${LEASES_TABLE} SET expires_at = now() - interval '1 millisecond' WHERE name = $1 AND holder = $2`, [name, this.holder])
      .catch((error: Error) => this.logger.warn(`Could not hand back the lease "${name}": ${error.message}`));
  }

  /** Every lease's row (for the admin endpoint and tests). */
  async list(): Promise<LeaseRow[]> {
    await this.ensureSchema();
    const { rows } = await this.sql.query<{ name: string; holder: string; token: string; acquired_at: Date | string; renewed_at: Date | string; expires_at: Date | string; active: boolean }>(
      `SELECT name, holder, token, acquired_at, renewed_at, expires_at, expires_at > now() AS active FROM ${LEASES_TABLE} ORDER BY name`,
    );
    const iso = (value: Date | string) => new Date(value).toISOString();
    return rows.map((r) => ({ name: r.name, holder: r.holder, token: Number(r.token), acquiredAt: iso(r.acquired_at), renewedAt: iso(r.renewed_at), expiresAt: iso(r.expires_at), active: r.active }));
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.ticking;
    // Each lease is handed back as soon as its work has stopped, so another instance can go on with it at once.
    for (const [name, maintained] of this.maintained) {
      await this.setAcquired(name, false);
      await maintained.changing;
      await this.release(name);
    }
    for (const name of [...this.held.keys()]) await this.release(name);
  }

  private ensureSchema(): Promise<void> {
    this.schema ??= migrate(this.sql, [SCHEMA]).catch((error: unknown) => {
      this.schema = undefined;
      throw error;
    });
    return this.schema;
  }

  private startTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
    }, Math.max(50, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  /** Renews what is held, notices what ran out, and tries again for what is wanted. */
  private async tick(): Promise<void> {
    const names = [...this.held.keys()];
    if (names.length > 0) {
      const sentAt = performance.now();
      try {
        const { rows } = await this.sql.query<{ name: string }>(
          `UPDATE ${LEASES_TABLE} SET renewed_at = now(), expires_at = now() + $3 * interval '1 millisecond'
           WHERE name = ANY($1::text[]) AND holder = $2 RETURNING name`,
          [names, this.holder, this.ttlMs],
        );
        const renewed = new Set(rows.map((r) => r.name));
        for (const name of names) {
          const lease = this.held.get(name);
          if (!lease || this.closed) continue;
          if (renewed.has(name)) lease.validUntil = sentAt + this.ttlMs * TRUST;
          else {
            this.held.delete(name);
            this.logger.warn(`The lease "${name}" was taken over by another instance`);
          }
        }
      } catch (error) {
        this.logger.warn(`Could not renew leases (${names.join(', ')}): ${(error as Error).message}`);
      }
      for (const name of names)
        if (this.held.has(name) && !this.holds(name)) {
          this.held.delete(name);
          this.logger.warn(`The lease "${name}" ran out before it could be renewed`);
        }
    }
    for (const name of this.maintained.keys()) await this.tryMaintained(name);
  }

  private async tryMaintained(name: string): Promise<void> {
    if (this.closed) return;
    let holds = this.holds(name);
    if (!holds)
      holds = await this.acquire(name).catch((error: Error) => {
        this.logger.warn(`Could not take the lease "${name}": ${error.message}`);
        return false;
      });
    await this.setAcquired(name, holds);
  }

  private setAcquired(name: string, acquired: boolean): Promise<void> {
    const maintained = this.maintained.get(name);
    if (!maintained || maintained.acquired === acquired) return maintained?.changing ?? Promise.resolve();
    maintained.acquired = acquired;
    const callback = acquired ? maintained.onAcquired : maintained.onLost;
    maintained.changing = maintained.changing.then(async () => {
      try {
        await callback();
      } catch (error) {
        this.logger.error(`The ${acquired ? 'start' : 'stop'} of the work under the lease "${name}" failed`, error as Error);
      }
    });
    return maintained.changing;
  }
}
