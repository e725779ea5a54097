/**
 * When the store wakes other processes' subscriptions after its appends (a NOTIFY on the PostgreSQL server),
 * and how. Every commit must be followed by a NOTIFY that is delivered after it (listeners then read what
 * was committed), but not every commit needs one of its own: one NOTIFY tells of all commits before it.
 *
 * - At most one per `intervalMs` under a steady stream of appends: each costs the server a statement and
 *   every listener a wake-up.
 * - When one is due, it rides on the next append's INSERT (`carry`): no statement of its own, and it is
 *   delivered with that commit. One NOTIFY per interval inside an append's transaction serialises next to
 *   nothing (PostgreSQL holds a global lock from a notifying transaction's pre-commit through its WAL flush,
 *   which made concurrent appends commit one at a time when each of them notified).
 * - A commit no carried NOTIFY covers is owed one: sent on its own (`sendAlone`, its own statement) once the
 *   interval since the last is over, unless an append that will carry it is already on its way.
 *
 * Commits are counted in the order this process sees them; a NOTIFY covers the commits seen before it was
 * sent (they committed before it), a carried one its own append as well when no other commit came between.
 */
export interface WakeOthersOptions {
  intervalMs: number;
  /** Whether anyone else may be listening (asked before each NOTIFY); when not, commits are not owed one. */
  enabled: () => boolean;
  now?: () => number;
}

export class WakeOthers {
  /** Commits seen so far, numbered 1, 2, … in the order seen. */
  private seen = 0;
  /** Every commit numbered up to this one is followed by a NOTIFY (delivered, or going out with a commit). */
  private covered = 0;
  /** Commits after `covered` that carried their own NOTIFY (a commit before them is still owed one). */
  private readonly coveredAhead = new Set<number>();
  private lastSentAt = Number.NEGATIVE_INFINITY;
  /** Carried NOTIFYs in flight, by ticket: the commits seen when their append was sent. */
  private readonly carrying: number[] = [];
  /** The loop that sends owed NOTIFYs on their own (waiting for the interval, or sending). */
  private owedLoop: Promise<void> | undefined;
  private sendingAlone = false;
  private readonly now: () => number;

  constructor(
    private readonly sendAlone: () => Promise<void>,
    private readonly options: WakeOthersOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Asked as an append is about to be sent: whether its statement should carry the NOTIFY (one is due and
   * none is being sent). The ticket goes to `committed` or `failed` once the append is done.
   */
  carry(): number | undefined {
    if (this.sendingAlone || this.now() - this.lastSentAt < this.options.intervalMs || !this.options.enabled()) return undefined;
    this.lastSentAt = this.now();
    this.carrying.push(this.seen);
    return this.seen;
  }

  /** After an append committed; `ticket` when its statement carried the NOTIFY. */
  committed(ticket?: number): void {
    const number = ++this.seen;
    if (ticket !== undefined) {
      this.release(ticket);
      this.coveredAhead.add(number); // its own NOTIFY went out with it
      this.cover(ticket); // and told of every commit seen before it was sent
    }
    this.owe();
  }

  /** After an append that carried the NOTIFY failed: nothing of it was sent, commits it would have covered are owed. */
  failed(ticket: number): void {
    this.release(ticket);
    this.owe();
  }

  /** Resolves when no owed NOTIFY is left to send (for closing). */
  async settled(): Promise<void> {
    while (this.owedLoop) await this.owedLoop;
  }

  /** Commits up to `upTo` are followed by a NOTIFY; so is any run of carried ones right after them. */
  private cover(upTo: number): void {
    this.covered = Math.max(this.covered, upTo);
    while (this.coveredAhead.has(this.covered + 1)) this.coveredAhead.delete(++this.covered);
    for (const number of this.coveredAhead) if (number <= this.covered) this.coveredAhead.delete(number);
  }

  private release(ticket: number): void {
    const at = this.carrying.indexOf(ticket);
    if (at >= 0) this.carrying.splice(at, 1);
  }

  private owe(): void {
    if (this.seen <= this.covered) return;
    if (!this.options.enabled()) return this.cover(this.seen); // nobody else to tell
    if (!this.owedLoop) this.owedLoop = this.sendOwed().finally(() => (this.owedLoop = undefined));
  }

  private async sendOwed(): Promise<void> {
    for (;;) {
      if (this.seen <= this.covered) return;
      const wait = this.lastSentAt + this.options.intervalMs - this.now();
      if (wait > 0) {
        await new Promise((resolve) => setTimeout(resolve, wait));
        continue; // a NOTIFY may have been carried meanwhile
      }
      // An append on its way with a NOTIFY sent after the last owed commit covers it (or `failed` owes it again).
      if (this.carrying.some((ticket) => ticket >= this.seen)) return;
      if (!this.options.enabled()) return this.cover(this.seen);
      const upTo = this.seen;
      this.lastSentAt = this.now();
      this.sendingAlone = true;
      try {
        await this.sendAlone();
      } catch (error) {
        console.warn('[event-store] NOTIFY failed; other processes will see the append when they poll:', (error as Error).message);
      } finally {
        this.sendingAlone = false;
      }
      // Sent (or given up on: the listeners poll as well); commits seen meanwhile are owed another.
      this.cover(upTo);
    }
  }
}
