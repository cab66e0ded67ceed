import { DataSource, EntityManager } from 'typeorm';
import { Decider, EventEnvelope, EventMetadata, NewEvent } from '@custos/events';
import { ConcurrencyError, EventStore, NO_STREAM } from './event-store';
import { rows } from './sql';

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
  ) {}

  async execute<C, E extends NewEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
    metadata: EventMetadata,
    project?: InlineProjector<S>,
  ): Promise<Executed<S>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction('READ COMMITTED', (tx) => this.once(tx, decider, streamId, command, metadata, project));
      } catch (e) {
        if (!(e instanceof ConcurrencyError) || attempt >= this.maxAttempts) throw e;
      }
    }
  }

  /** Folds a stream without writing, for reads that need the write model's view. */
  async load<C, E extends NewEvent, S>(tx: EntityManager, decider: Decider<C, E, S>, streamId: string, lock = false): Promise<{ state: S; version: number }> {
    const [snap] = await rows<{ stream_position: number; state_version: number; state: S }>(
      tx,
      `SELECT stream_position, state_version, state FROM stream_snapshots WHERE stream_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [streamId],
    );
    const usable = snap && snap.state_version === decider.stateVersion;
    let state = usable ? snap.state : decider.initialState();
    let version = usable ? snap.stream_position : NO_STREAM;
    for (const e of await this.store.readStream(tx, streamId, version)) {
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
    const appended = await this.store.append(tx, streamId, loaded.version, newEvents, metadata);
    const state = appended.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as E), loaded.state);
    const version = appended[appended.length - 1].streamPosition;
    await tx.query(
      `INSERT INTO stream_snapshots (stream_id, stream_position, state_version, state) VALUES ($1, $2, $3, $4)
       ON CONFLICT (stream_id) DO UPDATE SET stream_position = EXCLUDED.stream_position, state_version = EXCLUDED.state_version, state = EXCLUDED.state`,
      [streamId, version, decider.stateVersion, JSON.stringify(state)],
    );
    if (project) await project(tx, appended, state);
    return { events: appended, state, version };
  }
}
