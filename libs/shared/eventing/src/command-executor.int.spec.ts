import { Decider, eventCatalog, EventMetadata, ExperimentCreated, ExperimentTagSet } from '@custos/events';
import { createTestDatabase, TestDatabase } from '@custos/testing';
import { CommandExecutor } from './command-executor';
import { EventStore } from './event-store';

type Cmd = { type: 'Create' } | { type: 'Tag'; value: string };
type Ev = { type: typeof ExperimentCreated.type; data: ExperimentCreatedData } | { type: typeof ExperimentTagSet.type; data: { experimentId: string; key: string; value: string } };
type ExperimentCreatedData = { experimentId: string; name: string; artifactLocation: string; tags: { key: string; value: string }[] };
interface State {
  exists: boolean;
  tags: string[];
}

const meta: EventMetadata = { correlationId: 'executor-test', actor: { type: 'system', id: 'test' } };

/** A small decider over real event types: create once, then append tag values in order. */
const decider = (id: string, stateVersion = 1): Decider<Cmd, Ev, State> => ({
  initialState: () => ({ exists: false, tags: [] }),
  decide: (c, s) => {
    if (c.type === 'Create') return s.exists ? [] : [{ type: ExperimentCreated.type, data: { experimentId: id, name: id, artifactLocation: `mlflow-artifacts:/${id}`, tags: [] } }];
    if (!s.exists) throw new Error('no such stream');
    return [{ type: ExperimentTagSet.type, data: { experimentId: id, key: 'k', value: c.value } }];
  },
  evolve: (s, e) => ('value' in e.data ? { ...s, tags: [...s.tags, e.data.value] } : { exists: true, tags: [] }),
  stateVersion,
});

describe('command executor on real PostgreSQL', () => {
  let db: TestDatabase;
  let executor: CommandExecutor;
  const snapshot = async (streamId: string) =>
    (
      (await db.dataSource.query(`SELECT stream_position, state_version, state FROM stream_snapshots WHERE stream_id = $1`, [streamId])) as {
        stream_position: number;
        state_version: number;
        state: State;
      }[]
    )[0];

  beforeAll(async () => {
    db = await createTestDatabase('executor');
    executor = new CommandExecutor(db.dataSource, new EventStore('tracking', eventCatalog));
  });
  afterAll(() => db.drop());

  it('saves the folded state with the events it follows from, and folds from it', async () => {
    const d = decider('e1');
    await executor.execute(d, 's1', { type: 'Create' }, meta);
    const r = await executor.execute(d, 's1', { type: 'Tag', value: 'a' }, meta);
    expect(r).toMatchObject({ version: 1, state: { exists: true, tags: ['a'] } });
    expect(await snapshot('s1')).toEqual({ stream_position: 1, state_version: 1, state: { exists: true, tags: ['a'] } });
    // A snapshot is trusted: one edited by hand is what the next command starts from.
    await db.dataSource.query(`UPDATE stream_snapshots SET state = '{"exists": true, "tags": ["from-snapshot"]}' WHERE stream_id = 's1'`);
    expect((await executor.execute(d, 's1', { type: 'Tag', value: 'b' }, meta)).state.tags).toEqual(['from-snapshot', 'b']);
  });

  it('folds from the events when the snapshot was saved for another state version, and replaces it', async () => {
    await executor.execute(decider('e2'), 's2', { type: 'Create' }, meta);
    await executor.execute(decider('e2'), 's2', { type: 'Tag', value: 'a' }, meta);
    await db.dataSource.query(`UPDATE stream_snapshots SET state = '{"exists": true, "tags": ["stale"]}' WHERE stream_id = 's2'`);
    const r = await executor.execute(decider('e2', 2), 's2', { type: 'Tag', value: 'b' }, meta);
    expect(r).toMatchObject({ version: 2, state: { exists: true, tags: ['a', 'b'] } });
    expect(await snapshot('s2')).toEqual({ stream_position: 2, state_version: 2, state: { exists: true, tags: ['a', 'b'] } });
  });

  it('folds the events a snapshot lacks, and reads without writing', async () => {
    const d = decider('e3');
    await executor.execute(d, 's3', { type: 'Create' }, meta);
    await executor.execute(d, 's3', { type: 'Tag', value: 'a' }, meta);
    await db.dataSource.query(`UPDATE stream_snapshots SET stream_position = 0, state = '{"exists": true, "tags": []}' WHERE stream_id = 's3'`);
    expect(await executor.load(db.dataSource.manager, d, 's3')).toEqual({ version: 1, state: { exists: true, tags: ['a'] } });
    expect(await executor.load(db.dataSource.manager, d, 'nothing-here')).toEqual({ version: -1, state: { exists: false, tags: [] } });
  });

  it('serialises concurrent commands on one stream: every one lands, in some order, none lost', async () => {
    const d = decider('e4');
    await executor.execute(d, 's4', { type: 'Create' }, meta);
    const values = Array.from({ length: 8 }, (_, i) => `v${i}`);
    await Promise.all(values.map((value) => executor.execute(d, 's4', { type: 'Tag', value }, meta)));
    const snap = await snapshot('s4');
    expect(snap.stream_position).toBe(8);
    expect([...snap.state.tags].sort()).toEqual(values);
    const [{ n }] = (await db.dataSource.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = 's4'`)) as { n: number }[];
    expect(n).toBe(9);
  });

  it('writes neither events nor a snapshot when the command fails', async () => {
    await expect(executor.execute(decider('e5'), 's5', { type: 'Tag', value: 'x' }, meta)).rejects.toThrow('no such stream');
    expect(await snapshot('s5')).toBeUndefined();
  });
});
