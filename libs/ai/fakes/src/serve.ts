/**
 * Runs every provider fake on its own loopback port for suites outside jest (the Python SDK
 * conformance tests, benchmarks): prints one JSON line `{"<provider>": "http://127.0.0.1:<port>", ...}`
 * and serves until stdin closes or the process is signalled.
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register libs/ai/fakes/src/serve.ts [--chunk-delay-ms N]
 *
 * A fake is any `start<Name>Fake(options)` the fakes index exports, so a new provider's fake joins
 * without touching this file.
 */
import * as fakes from './index';
import { FakeUpstream } from './fake-server';

type StartFake = (options: { chunkDelayMs?: number }) => Promise<FakeUpstream>;

function fakeStarters(): [string, StartFake][] {
  return Object.entries(fakes as Record<string, unknown>)
    .map(([name, value]) => [/^start(\w+)Fake$/.exec(name)?.[1], value] as const)
    .filter((e): e is [string, StartFake] => e[0] !== undefined && typeof e[1] === 'function')
    .map(([name, start]) => [name.toLowerCase(), start]);
}

function chunkDelay(argv: string[]): number | undefined {
  const i = argv.indexOf('--chunk-delay-ms');
  return i >= 0 ? Number(argv[i + 1]) : undefined;
}

async function main(): Promise<void> {
  const chunkDelayMs = chunkDelay(process.argv.slice(2));
  const running: [string, FakeUpstream][] = [];
  for (const [name, start] of fakeStarters()) running.push([name, await start({ chunkDelayMs })]);
  process.stdout.write(`${JSON.stringify(Object.fromEntries(running.map(([n, f]) => [n, f.url])))}\n`);
  const stop = () => void Promise.all(running.map(([, f]) => f.close())).finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((e: unknown) => {
  process.stderr.write(`provider fakes failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
