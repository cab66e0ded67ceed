import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { eventCatalog } from './catalog';

// Contract: every declared version of every event type has a fixture the current code still reads.
const fixtureDir = join(__dirname, '..', 'fixtures');

describe('event contracts', () => {
  for (const type of eventCatalog.types()) {
    const versions = eventCatalog.definition(type).versions;
    for (const { version } of versions) {
      it(`${type} v${version} fixture parses and upcasts to v${versions.length}`, () => {
        const file = join(fixtureDir, type, `v${version}.json`);
        expect(existsSync(file)).toBe(true);
        const parsed = eventCatalog.parse(JSON.parse(readFileSync(file, 'utf8')));
        expect(parsed.type).toBe(type);
        expect(parsed.schemaVersion).toBe(versions.length);
        expect(() => eventCatalog.validateNew({ type, data: parsed.data })).not.toThrow();
      });
    }
  }
});
