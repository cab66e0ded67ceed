import { MigrationInterface, QueryRunner } from 'typeorm';
import { compressWithLz4 } from './sql';

/**
 * Event data is kept as the JSON text written at append (`json`, validated but not decomposed)
 * and compressed with lz4 where the server has it. The store never queries inside data; it writes
 * it once and the relay publishes it as text. `jsonb` cost a parse on every append and a
 * re-serialisation on every publish (about 4 ms each way for a 1000-metric log-batch), and pglz
 * another millisecond. Rewrites the table once.
 */
export class EventDataAsJson1732000010000 implements MigrationInterface {
  name = 'EventDataAsJson1732000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ALTER COLUMN data TYPE json USING data::json`);
    await compressWithLz4(q, 'events', 'data');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ALTER COLUMN data TYPE jsonb USING data::jsonb`);
  }
}
