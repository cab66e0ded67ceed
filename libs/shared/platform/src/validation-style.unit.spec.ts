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

/** Every script and source file under `dir`, tests included. */
function allCode(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name.startsWith('.') ? [] : allCode(p);
    return /\.(ts|js|mjs|cjs)$/.test(e.name) ? [p] : [];
  });
}

/** The module names a file imports or requires from the zod package (`zod`, `zod/v4`, ...). */
function zodSpecifiers(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom|\bimport|\brequire\s*\(|\bimport\s*\()\s*['"](zod(?:\/[^'"]*)?)['"]/g)].map((m) => m[1]);
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

/**
 * zod at one major version (issue 17): the installed 3.25 package carries zod 4 at `zod/v4`, and
 * event schemas and configuration both use it. A bare `zod` import is the v3 API, whose schemas
 * and errors do not mix with v4's; `zod/v4` keeps resolving to zod 4 when the package is raised
 * to ^4, so nothing else needs to change then.
 */
describe('zod at one major version', () => {
  // This file spells the refused forms in its own examples.
  const files = ['apps', 'libs', 'bench', 'scripts'].flatMap((d) => allCode(join(ROOT, d))).filter((f) => f !== __filename);

  it('reads import, export and require forms', () => {
    expect(zodSpecifiers(`import { z } from 'zod';\nimport type { ZodType } from "zod/v3";\nexport * from 'zod/v4';\nconst y = require('zod');\nimport 'zod/mini';`)).toEqual([
      'zod',
      'zod/v3',
      'zod/v4',
      'zod',
      'zod/mini',
    ]);
    expect(zodSpecifiers(`import { zodLike } from './zodiac';`)).toEqual([]);
  });

  it('imports zod 4 (`zod/v4`) everywhere, never the v3 API', () => {
    const users = files.filter((f) => zodSpecifiers(readFileSync(f, 'utf8')).length > 0);
    expect(users.length).toBeGreaterThan(10);
    const offending = users.flatMap((f) =>
      zodSpecifiers(readFileSync(f, 'utf8'))
        .filter((s) => s !== 'zod/v4')
        .map((s) => `${relative(ROOT, f)}: '${s}'`),
    );
    expect(offending).toEqual([]);
  });
});
