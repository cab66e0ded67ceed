import { eventCatalog } from './catalog';

interface SpecDecider<C, E extends { type: string; data: unknown }, S> {
  initialState(): S;
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
}

type ErrorClass<Err> = abstract new (...args: never[]) => Err;

/**
 * Given/when/then for deciders (test-only; not part of the built library). State is folded from
 * the given events after a JSON round trip, as the store and the snapshot table would hand them
 * back, and every emitted event must pass the catalog's produce-time validation. `errorClass` is
 * the domain's error type, whose `code` `thenError` checks.
 */
export function deciderSpec<C, E extends { type: string; data: unknown }, S, Err extends Error & { code: string }>(decider: SpecDecider<C, E, S>, errorClass: ErrorClass<Err>) {
  const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  const fold = (events: readonly E[]): S => events.reduce((s, e) => roundTrip(decider.evolve(roundTrip(s), roundTrip(e))), decider.initialState());

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
            thenError(code: Err['code'], message?: string | RegExp): Err {
              let error: unknown;
              try {
                run();
              } catch (e) {
                error = e;
              }
              expect(error).toBeInstanceOf(errorClass);
              const err = error as Err;
              expect(err.code).toBe(code);
              if (message !== undefined) expect(err.message).toMatch(message);
              return err;
            },
          };
        },
      };
    },
  };
}
