import { DataSource, EntityManager } from 'typeorm';
import { Decider, EventEnvelope, EventMetadata, NewEvent } from '@custos/events';
import { ConcurrencyError, EventStore, NO_STREAM } from './event-store';

export interface Executed<S> {
  events: EventEnvelope[];
  state: S;
  version: number;
}

/** Updates read models in the same transaction as the append. */
export type InlineProjector<S> = (tx: EntityManager, events: EventEnvelope[], state: S) => Promise<void>;

/**
 * Load (snapshot + newer events) → fold → decide → append with the expected version → snapshot →
 * project, in one transaction; retried when another writer moved the stream first.
 */
export class CommandExecutor {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly maxAttempts = 5,
    /**
     * Told of every command's events once its transaction has committed, and awaited: an access
     * change answers once its enforcers have applied it (decision 031).
     */
    private readonly onCommitted?: (events: readonly EventEnvelope[]) => Promise<void> | void,
  ) {}

  async execute<C, E extends NewEvent, S>(decider: Decider<C, E, S>, streamId: string, command: C, metadata: EventMetadata, project?: InlineProjector<S>): Promise<Executed<S>> {
    for (let attempt = 1; ; attempt++) {
      try {
        const executed = await this.dataSource.transaction((tx) => this.once(tx, decider, streamId, command, metadata, project));
        if (executed.events.length > 0) await this.onCommitted?.(executed.events);
        return executed;
      } catch (e) {
        if (!(e instanceof ConcurrencyError) || attempt >= this.maxAttempts) throw e;
      }
    }
  }

  /** Folds a stream without writing, for reads that need the write model's view. */
  async load<C, E extends NewEvent, S>(tx: EntityManager, decider: Decider<C, E, S>, streamId: string, lock = false): Promise<{ state: S; version: number }> {
    const { snapshot, events } = await this.store.loadStream(tx, streamId, decider.stateVersion, lock);
    let state = snapshot ? (snapshot.state as S) : decider.initialState();
    let version = snapshot ? snapshot.position : NO_STREAM;
    for (const e of events) {
      state = decider.evolve(state, { type: e.type, data: e.data } as E);
      version = e.streamPosition;
    }
    return { state, version };
  }

  private async once<C, E extends NewEvent, S>(
    tx: EntityManager,
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
    metadata: EventMetadata,
    project?: InlineProjector<S>,
  ): Promise<Executed<S>> {
    // Locking the snapshot row serialises writers of a hot stream instead of letting them conflict.
    const loaded = await this.load(tx, decider, streamId, true);
    const newEvents = decider.decide(command, loaded.state);
    if (newEvents.length === 0) return { events: [], state: loaded.state, version: loaded.version };
    // The snapshot is computed from the validated envelopes and saved by the append's statement.
    let state = loaded.state;
    const appended = await this.store.append(tx, streamId, loaded.version, newEvents, metadata, (envelopes) => {
      state = envelopes.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as E), loaded.state);
      return { stateVersion: decider.stateVersion, state };
    });
    const version = appended[appended.length - 1].streamPosition;
    if (project) await project(tx, appended, state);
    return { events: appended, state, version };
  }
}
