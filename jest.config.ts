import type { Config } from 'jest';
import { readFileSync } from 'node:fs';

// Timeouts for int/e2e are passed on the command line (testTimeout is not a per-project option).
// One jest run per test level (unit / int / e2e), selected by file suffix, so the fast tests run alone.
const base = JSON.parse(readFileSync(`${__dirname}/tsconfig.base.json`, 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
const moduleNameMapper = Object.fromEntries(Object.entries(base.compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]));
const swc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8')) as Record<string, unknown>;
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] as [string, Record<string, unknown>] },
  moduleNameMapper,
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
};

const config: Config = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.unit.spec.ts'] },
    { ...common, displayName: 'int', testMatch: ['<rootDir>/{apps,libs}/**/*.int.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs}/**/*.e2e.spec.ts'] },
  ],
};
export default config;
