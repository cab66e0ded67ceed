import { DataSource, EntityManager } from 'typeorm';
import { EventEnvelope } from '@custos/events';
import { EventStore } from './event-store';

/**
 * A read model maintained from the service's own events. The same `apply` runs inline in the
 * append transaction and, for a rebuild, over the whole store in global order.
 */
export interface Projection {
  name: string;
  /** Tables the projection owns entirely; a rebuild empties them first. */
  tables: string[];
  apply(tx: EntityManager, event: EventEnvelope): Promise<void>;
}

/** Replays every stored event into the projections, in one transaction: readers never see half a rebuild. */
export async function rebuildProjections(dataSource: DataSource, store: EventStore, projections: Projection[], batchSize = 1000): Promise<number> {
  return dataSource.transaction(async (tx) => {
    const tables = projections.flatMap((p) => p.tables);
    if (tables.length > 0) await tx.query(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')}`);
    let after = 0n;
    let count = 0;
    for (;;) {
      const batch = await store.readAll(tx, after, batchSize);
      for (const e of batch) {
        for (const p of projections) await p.apply(tx, e);
      }
      count += batch.length;
      if (batch.length < batchSize) return count;
      after = batch[batch.length - 1].globalPosition;
    }
  });
}
