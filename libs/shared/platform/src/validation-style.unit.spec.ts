import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../../../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.spec-helper.ts') ? [p] : [];
  });
}

/**
 * The source side of decision 040, over every service (the route metadata scans in each app see
 * only what a module registers): no controller builds a ValidationPipe or applies a pipe itself,
 * and request input is not parsed with zod, which stays for event schemas and configuration.
 */
describe('one validation style in the services', () => {
  const files = readdirSync(join(ROOT, 'apps')).flatMap((app) => sources(join(ROOT, 'apps', app, 'src')));

  it('finds the services’ sources', () => expect(files.filter((f) => f.endsWith('.controller.ts')).length).toBeGreaterThan(5));

  it('builds the ValidationPipe only in the platform', () => {
    const offending = files.filter((f) => /new ValidationPipe\s*\(|@UsePipes\s*\(|@(Body|Query|Param)\([^)]*(Pipe\b|\bpipe\b|body\))/.test(readFileSync(f, 'utf8')));
    expect(offending.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('parses no controller input with zod', () => {
    const offending = files.filter((f) => /\.controller\.ts$|\/dtos\//.test(f) && /from 'zod'/.test(readFileSync(f, 'utf8')));
    expect(offending.map((f) => relative(ROOT, f))).toEqual([]);
  });
});
