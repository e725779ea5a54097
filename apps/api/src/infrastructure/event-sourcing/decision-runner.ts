/**
 * Runs a command against one stream: read, fold, decide, append with the expected version.
 *
 * A version conflict means someone else wrote to the stream in between; the command is decided again
 * on the fresh state (a few times), so unrelated concurrent writes do not fail the user, while
 * conflicting ones end in the domain's own refusal (e.g. CASE.ALREADY_OPEN). With an explicit expected
 * version (HTTP If-Match) there is no retry: the caller saw an older state, and the answer is 409.
 */
import { Inject, Injectable } from '@nestjs/common';
import { type Decider, type DomainEvent, DomainError, fold } from '@pm/domain';
import { type EventStore, type GlobalPosition, type NewEvent, type StoredEvent, WrongExpectedVersionError } from '@pm/event-store';
import { type CommandContext } from '../../shared/http/command-context';
import { Clock } from './clock';
import { DecisionBatch } from './decision-batch';
import { eventMetadata } from './event-metadata';
import { RecentStates } from './recent-states';
import { ProjectionWaiter } from '../projections/projection-waiter';
import { EVENT_STORE } from '../database/tokens';

export interface DecisionOptions {
  /** The stream version the caller saw (If-Match); no retries when given. */
  expectedVersion?: number;
  /** Extra metadata on every event (the company id, so projections can partition). */
  metadata: { companyId: string } & Record<string, unknown>;
  /** Wait until the read models include the new events before returning (read-your-writes). */
  waitForProjections?: boolean;
  /**
   * Other streams the decision depends on (a company's activation, say): read with the command's own stream
   * in one query, so from one snapshot and in one round trip, on every attempt; handed to `makeCommand`.
   */
  alsoRead?: readonly string[];
}

export interface DecisionResult<State, E extends DomainEvent> {
  events: E[];
  state: State;
  version: number;
  position?: GlobalPosition;
}

const MAX_ATTEMPTS = 8;

@Injectable()
export class DecisionRunner {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly projections: ProjectionWaiter,
    private readonly recent: RecentStates,
  ) {}

  async load<State, E extends DomainEvent>(
    decider: Pick<Decider<State, never, E>, 'initialState' | 'evolve'>,
    streamId: string,
  ): Promise<{ state: State; version: number }> {
    const { events, version } = await this.store.readStream(streamId);
    return { state: fold(decider, events as unknown as E[]), version };
  }

  /** Decisions over many streams, committed together (see DecisionBatch). */
  batch(context: CommandContext): DecisionBatch {
    return new DecisionBatch(this.store, this.clock.now().toISOString(), context);
  }

  /** Waits until the read models include `position` (read-your-writes after a batch). */
  waitForReadModels(position: GlobalPosition, timeoutMs?: number): Promise<void> {
    return this.projections.waitFor(position, timeoutMs);
  }

  async run<State, Command, E extends DomainEvent>(
    decider: Decider<State, Command, E>,
    streamId: string,
    makeCommand: (now: string, state: State, also: ReadonlyMap<string, readonly StoredEvent[]>) => NoInfer<Command>,
    context: CommandContext,
    options: DecisionOptions,
  ): Promise<DecisionResult<State, E>> {
    const alsoRead = options.alsoRead ?? [];
    for (let attempt = 1; ; attempt++) {
      const read = alsoRead.length > 0 ? await this.store.readStreams([streamId, ...alsoRead]) : new Map([[streamId, await this.store.readStream(streamId)]]);
      const { events: history, version } = read.get(streamId)!;
      const also = new Map(alsoRead.map((id) => [id, read.get(id)?.events ?? []]));
      const state = fold(decider, history as unknown as E[]);
      if (options.expectedVersion !== undefined && options.expectedVersion !== version)
        throw new DomainError('REQUEST.STALE_VERSION', 'conflict', 'The resource has changed since you read it; reload and try again.', {
          currentVersion: version,
        });
      const now = this.clock.now().toISOString();
      const command = makeCommand(now, state, also);
      const events = decider.decide(command, state);
      if (events.length === 0) return { events, state, version };
      const reason = (command as { data?: { reason?: unknown } }).data?.reason;
      const toAppend: NewEvent[] = events.map((event) => ({ type: event.type, data: event.data, metadata: eventMetadata(options.metadata, context, now, reason) }));
      try {
        const result = await this.store.appendToStream(streamId, toAppend, { expectedVersion: version });
        const newState = events.reduce(decider.evolve, state);
        // Before waiting: the projections fold this very state, and may take it from here.
        this.recent.remember(decider, streamId, result.nextVersion, newState);
        if (options.waitForProjections !== false) await this.projections.waitFor(result.lastPosition);
        return { events, state: newState, version: result.nextVersion, position: result.lastPosition };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (options.expectedVersion !== undefined || attempt >= MAX_ATTEMPTS)
          throw new DomainError('REQUEST.CONCURRENT_CHANGE', 'conflict', 'Someone else changed this at the same moment; try again.');
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }
}
