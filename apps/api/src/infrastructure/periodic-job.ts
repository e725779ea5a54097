import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

/**
 * A job that runs every `interval()` ms in the background and on demand (`runOnce`, used by tests), never
 * twice at the same time, and that shutdown waits for. (With several API instances, issue 7 gives each
 * job a lease so it runs in one instance at a time.)
 */
export abstract class PeriodicJob implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  /** Milliseconds between rounds. */
  protected abstract interval(): number;
  /** One round of work; returns how much it did (for tests and logs). */
  protected abstract work(): Promise<number>;

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runOnce().catch((error: Error) => this.logger.warn(`${this.constructor.name} failed: ${error.message}`)), this.interval());
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  runOnce(): Promise<number> {
    this.running ??= this.work().finally(() => (this.running = undefined));
    return this.running;
  }
}
