import { Injectable, Logger } from '@nestjs/common';
import { type GlobalPosition, comparePositions } from '@pm/event-store';

/**
 * Lets a command wait until every projection has processed its events, so a client that gets a 201
 * and then reads sees its own write. Projections report their progress here. Until the projections have
 * said where they start (the runner does so while the application boots, after the other modules' jobs
 * may already have run), nothing counts as reached: a job's first round must not read stale read models.
 */
@Injectable()
export class ProjectionWaiter {
  private readonly logger = new Logger(ProjectionWaiter.name);
  private readonly positions = new Map<string, GlobalPosition>();
  private registered = false;
  private waiters: { position: GlobalPosition; resolve: () => void }[] = [];

  /** The projections there are, and where each one stands (its checkpoint). */
  register(positions: ReadonlyMap<string, GlobalPosition>): void {
    for (const [name, position] of positions) this.positions.set(name, position);
    this.registered = true;
    this.release();
  }

  /** Moves a projection forward (never back: reports from other instances may arrive out of order). */
  advance(name: string, position: GlobalPosition): void {
    const current = this.positions.get(name);
    if (current && comparePositions(position, current) <= 0) return;
    this.positions.set(name, position);
    this.release();
  }

  /** Resolves once all projections are at or past `position`, or after `timeoutMs` (the write stands either way). */
  waitFor(position: GlobalPosition, timeoutMs = 5000): Promise<void> {
    if (this.reached(position)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        this.logger.warn(`Read models did not catch up within ${timeoutMs} ms`);
        resolve();
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ position, resolve: done });
    });
  }

  private reached(position: GlobalPosition): boolean {
    if (!this.registered) return false;
    for (const current of this.positions.values()) if (comparePositions(current, position) < 0) return false;
    return true;
  }

  private release(): void {
    const ready = this.waiters.filter((w) => this.reached(w.position));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const waiter of ready) waiter.resolve();
  }
}
