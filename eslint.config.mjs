import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Module boundaries are closed from day one: a service's code imports only its own scope and the
// shared scope; apps are never imported; domain code imports no framework, driver or client.
const frameworkAndDrivers = ['@nestjs/*', 'typeorm', 'pg', 'kafkajs', 'minio', 'express', 'passport*', 'pino', 'prom-client'];

export default [
  { ignores: ['**/dist', '**/node_modules', '**/.data', '**/.nx', 'bench/**/*.py', 'conformance/**'] },
  ...tseslint.configs.recommended,
  {
    // Type-aware rules: one TypeScript program per lint run, found through the project service
    // (tsconfig.json covers apps, libs and bench). Promises must be awaited or handled, and an
    // `any` may not leak into typed code unchecked.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:domain', 'type:testing'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:domain', 'type:testing'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:domain'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
            { sourceTag: 'scope:tracking', onlyDependOnLibsWithTags: ['scope:tracking', 'scope:shared'] },
            { sourceTag: 'scope:registry', onlyDependOnLibsWithTags: ['scope:registry', 'scope:shared'] },
            { sourceTag: 'scope:authz', onlyDependOnLibsWithTags: ['scope:authz', 'scope:shared'] },
            { sourceTag: 'scope:audit', onlyDependOnLibsWithTags: ['scope:audit', 'scope:shared'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests may not be focused or skipped.
    files: ['**/*.spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'it', property: 'only' },
        { object: 'it', property: 'skip' },
        { object: 'describe', property: 'only' },
        { object: 'describe', property: 'skip' },
        { object: 'test', property: 'only' },
        { object: 'test', property: 'skip' },
      ],
    },
  },
  {
    // Pure domain code: deciders, policies, schemas. No framework, driver or client packages.
    files: ['libs/shared/events/src/**/*.ts', 'libs/shared/rbac/src/**/*.ts', 'libs/*/domain/src/**/*.ts', 'apps/*/src/domain/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: frameworkAndDrivers, message: 'domain code stays free of frameworks and drivers' }] }],
    },
  },
];
