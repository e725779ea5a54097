/**
 * The decider pattern (Emmett, Dudycz): a pure function from command and state to events, and a fold
 * from events to state. Time and the acting party come in with the command, so everything here is
 * deterministic and testable without a database.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

export type ActorKind = 'user' | 'partner' | 'bank' | 'system';
export interface Actor {
  readonly kind: ActorKind;
  readonly id: string;
}

/** What every command carries besides its own data. */
export interface CommandContext {
  /** The current instant (ISO 8601): the only clock the domain knows. */
  readonly now: string;
  readonly actor: Actor;
}

export interface Decider<State, Command, Event extends DomainEvent> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

export function fold<State, Event extends DomainEvent>(
  decider: Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}

/** Compile-time exhaustiveness check for `switch` over tagged unions. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
