/**
 * Many decisions over many streams, written in one atomic append (`appendToStreams`): for bulk work
 * such as a bank file with thousands of payments, where one transaction per decision would take
 * minutes. The deciders are the very ones single commands use. A refusal is handed back for the caller
 * to act on (a payment that no longer fits goes to the queue); a version conflict at commit means
 * someone wrote meanwhile, and the caller redoes the batch on fresh state.
 */
import { type Decider, type DomainEvent, DomainError, fold } from '@pm/domain';
import { type EventStore, type GlobalPosition, type NewEvent, type StoredEvent, comparePositions } from '@pm/event-store';
import { type CommandContext } from '../../shared/http/command-context';
import { eventMetadata } from './event-metadata';

interface StreamSlot {
  history: StoredEvent[];
  version: number;
  /** The state folded with the decider that first asked for it, including pending events. */
  state?: unknown;
  pending: NewEvent[];
}

export type BatchDecision<State, E extends DomainEvent> = { ok: true; events: E[]; state: State } | { ok: false; refusal: DomainError };

export class DecisionBatch {
  private readonly slots = new Map<string, StreamSlot>();
  /** Inside `together`: each touched stream as it was before the group, to put it back. */
  private undo: Map<string, { state: unknown; pending: number }> | null = null;

  constructor(
    private readonly store: EventStore,
    /** One instant for the whole batch: every decision in it happens "now". */
    readonly now: string,
    private readonly context: CommandContext,
  ) {}

  /** Who decides: the actor of every command in the batch. */
  get actor(): CommandContext['actor'] {
    return this.context.actor;
  }

  /** Reads the streams not read yet, with one round trip. */
  async load(streamIds: Iterable<string>): Promise<void> {
    const missing = [...new Set(streamIds)].filter((id) => !this.slots.has(id));
    if (missing.length === 0) return;
    const read = await this.store.readStreams(missing);
    for (const id of missing) {
      const { events, version } = read.get(id) ?? { events: [], version: 0 };
      this.slots.set(id, { history: events, version, pending: [] });
    }
  }

  state<State, E extends DomainEvent>(decider: Pick<Decider<State, never, E>, 'initialState' | 'evolve'>, streamId: string): State {
    const slot = this.slot(streamId);
    slot.state ??= fold(decider, slot.history as unknown as E[]);
    return slot.state as State;
  }

  /** Decides one command on a loaded stream; its events wait for `commit`. */
  decide<State, Command, E extends DomainEvent>(
    decider: Decider<State, Command, E>,
    streamId: string,
    makeCommand: (now: string, state: State) => NoInfer<Command>,
    metadata: { companyId: string } & Record<string, unknown>,
  ): BatchDecision<State, E> {
    const state = this.state(decider, streamId);
    const command = makeCommand(this.now, state);
    let events: E[];
    try {
      events = decider.decide(command, state);
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, refusal: error };
      throw error;
    }
    const slot = this.slot(streamId);
    if (this.undo && !this.undo.has(streamId)) this.undo.set(streamId, { state, pending: slot.pending.length });
    const reason = (command as { data?: { reason?: unknown } }).data?.reason;
    for (const event of events) slot.pending.push({ type: event.type, data: event.data, metadata: eventMetadata(metadata, this.context, this.now, reason) });
    slot.state = events.reduce(decider.evolve, state);
    return { ok: true, events, state: slot.state as State };
  }

  /**
   * Runs decisions that stand or fall together (a payment split over several invoices): when `work`
   * returns false or throws, every stream it touched is put back as it was.
   */
  together(work: () => boolean): boolean {
    if (this.undo) throw new Error('DecisionBatch.together does not nest');
    const undo = new Map<string, { state: unknown; pending: number }>();
    this.undo = undo;
    let kept = false;
    try {
      kept = work();
      return kept;
    } finally {
      this.undo = null;
      if (!kept)
        for (const [id, saved] of undo) {
          const slot = this.slot(id);
          slot.state = saved.state;
          slot.pending.length = saved.pending;
        }
    }
  }

  get pendingEvents(): number {
    let n = 0;
    for (const slot of this.slots.values()) n += slot.pending.length;
    return n;
  }

  /** Appends every pending event in one atomic call; returns the position of the last one. */
  async commit(): Promise<GlobalPosition | undefined> {
    // In stream order: two batches that share streams then lock them in the same order and never deadlock.
    const appends = [...this.slots]
      .filter(([, slot]) => slot.pending.length > 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([streamId, slot]) => ({ streamId, events: slot.pending, expectedVersion: slot.version }));
    if (appends.length === 0) return undefined;
    const results = await this.store.appendToStreams(appends);
    let last: GlobalPosition | undefined;
    for (const { lastPosition } of results) if (!last || comparePositions(lastPosition, last) > 0) last = lastPosition;
    return last;
  }

  private slot(streamId: string): StreamSlot {
    const slot = this.slots.get(streamId);
    if (!slot) throw new Error(`Stream ${streamId} was not loaded into the batch`);
    return slot;
  }
}
