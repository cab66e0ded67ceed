import { eventCatalog } from '@custos/events';
import { AuthzError, AuthzErrorCode } from './errors';

interface SpecDecider<C, E extends { type: string; data: unknown }, S> {
  initialState(): S;
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
}

/**
 * Given/when/then for deciders (test-only). State is folded from the given events after a JSON
 * round trip, as the snapshot store would hand it back, and every emitted event must pass the
 * catalog's produce-time validation.
 */
export function specFor<C, E extends { type: string; data: unknown }, S>(decider: SpecDecider<C, E, S>) {
  const fold = (events: readonly E[]): S =>
    events.reduce((s, e) => JSON.parse(JSON.stringify(decider.evolve(JSON.parse(JSON.stringify(s)) as S, JSON.parse(JSON.stringify(e)) as E))) as S, decider.initialState());

  return {
    fold,
    given(...events: E[]) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, fold(events));
          return {
            then(expected: E[]): E[] {
              const produced = run();
              expect(produced).toEqual(expected);
              for (const e of produced) expect(() => eventCatalog.validateNew(e)).not.toThrow();
              return produced;
            },
            thenNothing(): void {
              expect(run()).toEqual([]);
            },
            thenError(code: AuthzErrorCode, message?: string | RegExp): AuthzError {
              let error: unknown;
              try {
                run();
              } catch (e) {
                error = e;
              }
              expect(error).toBeInstanceOf(AuthzError);
              const ae = error as AuthzError;
              expect(ae.code).toBe(code);
              if (message !== undefined) expect(ae.message).toMatch(message);
              return ae;
            },
          };
        },
      };
    },
  };
}
