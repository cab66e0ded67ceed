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

  /**
   * Decision 041: MLflow routes read class-validator DTOs through the global pipe; the hand-written
   * reader (`MlflowRequest`, decision 030) stays only on the measured hot paths listed here, by
   * handler. In a controller that uses the reader, every handler taking `@Req()` must be listed.
   */
  const READER_HOT_PATHS: Record<string, string[]> = {
    'apps/tracking/src/controllers/run-data.controller.ts': ['logBatch'],
  };

  /** The handlers of a controller's source that take the raw request. */
  function handlersTakingReq(text: string): string[] {
    return [...text.matchAll(/\n\s*(?:async\s+)?(\w+)\s*\([^{]*?@Req\(\)/g)].map(([, name]) => name);
  }

  it('finds handlers that take the raw request', () => {
    const source = "@Post('x')\n  async one(@Param('id') id: string, @Req() req: Request) {\n  }\n  two(@Body() dto: X) {\n  }\n  three(@Req() req: Request) {}";
    expect(handlersTakingReq(source)).toEqual(['one', 'three']);
  });

  it('reads MLflow requests through DTOs, keeping the reader only on the measured hot paths', () => {
    const offending = files
      .filter((f) => f.endsWith('.controller.ts'))
      .flatMap((f) => {
        const text = readFileSync(f, 'utf8');
        if (!/\bMlflowRequest(Base)?\b|\bMlflowValues\b/.test(text)) return [];
        const allowed = READER_HOT_PATHS[relative(ROOT, f)] ?? [];
        return handlersTakingReq(text)
          .filter((name) => !allowed.includes(name))
          .map((name) => `${relative(ROOT, f)}#${name}`);
      });
    expect(offending).toEqual([]);
  });

  it('parses no controller input with zod', () => {
    const offending = files.filter((f) => /\.controller\.ts$|\/dtos\//.test(f) && /from 'zod'/.test(readFileSync(f, 'utf8')));
    expect(offending.map((f) => relative(ROOT, f))).toEqual([]);
  });
});
