import { type BeforeApplicationShutdown, Inject, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { Leases } from './leases/leases';

/**
 * A job that runs every `interval()` ms in the background and on demand (`runOnce`, used by tests), never
 * twice at the same time, and that shutdown waits for. With several API instances it runs in one at a
 * time: a round only starts in the instance that holds the job's lease (see leases.ts), which keeps it
 * between rounds; when that instance dies, another takes the lease over once it has run out.
 */
export abstract class PeriodicJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  // A property, so that the jobs' own constructors need not pass it on.
  @Optional() @Inject(Leases) private readonly leases?: Leases;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  /** Milliseconds between rounds. */
  protected abstract interval(): number;
  /** One round of work; returns how much it did (for tests and logs). */
  protected abstract work(): Promise<number>;

  /** Whether a long round should stop where it is: the application is shutting down, and waits for the round. */
  protected get stopping(): boolean {
    return this.stopped;
  }

  /** The lease's name: the job's, e.g. `partner-poller` for PartnerPoller. */
  get leaseName(): string {
    return this.constructor.name
      .replace(/Job$/, '')
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .toLowerCase();
  }

  onApplicationBootstrap(): void {
    // Keep trying for the lease from now on: which instance runs the job is settled before its first round,
    // and when that instance dies another one has the job within seconds, whatever its interval.
    void this.leases?.maintain(this.leaseName, { onAcquired: () => undefined, onLost: () => undefined });
    this.timer = setInterval(() => void this.runOnce().catch((error: Error) => this.logger.warn(`${this.constructor.name} failed: ${error.message}`)), this.interval());
    this.timer.unref();
  }

  /** Before the projections stop (onApplicationShutdown), so the commands of a last round still see their read models. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One round, when this instance holds (or now takes) the job's lease; 0 when another instance has it. */
  runOnce(): Promise<number> {
    this.running ??= this.leasedWork().finally(() => (this.running = undefined));
    return this.running;
  }

  private async leasedWork(): Promise<number> {
    if (this.leases && !(await this.leases.acquire(this.leaseName))) return 0;
    return this.work();
  }
}
