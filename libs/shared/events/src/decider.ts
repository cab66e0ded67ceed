import { NewEvent } from './envelope';

/**
 * Write-side business logic as pure functions: `decide` turns a command and the current state into
 * new events (or throws a domain error), `evolve` folds an event into state. Time and ids arrive
 * inside the command, so both stay deterministic and testable without infrastructure.
 */
export interface Decider<C, E extends NewEvent, S> {
  initialState(): S;
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
  /**
   * Bumped whenever `evolve` or the state shape changes, so snapshots folded by older code are
   * ignored and the stream is folded again from its events. State must be plain JSON.
   */
  stateVersion: number;
}
