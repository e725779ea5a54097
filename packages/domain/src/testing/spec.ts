/** Given / when / then specs over a decider: `spec(decider).given(events).when(command).then(events)`. */
import { type Decider, type DomainEvent, fold } from '../shared/decider';
import { DomainError } from '../shared/errors';

export function spec<S, C, E extends DomainEvent>(decider: Decider<S, C, E>) {
  return {
    given(events: readonly E[] = []) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, fold(decider, events));
          return {
            then(expected: readonly E[] | ((actual: E[]) => void)) {
              const actual = run();
              if (typeof expected === 'function') expected(actual);
              else expect(actual).toEqual(expected);
              return actual;
            },
            thenThrows(code: string) {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              expect(thrown).toBeInstanceOf(DomainError);
              expect((thrown as DomainError).code).toBe(code);
              return thrown as DomainError;
            },
            /** The events the command produced, for assertions on parts of them. */
            events: run,
          };
        },
        state: () => fold(decider, events),
      };
    },
  };
}
