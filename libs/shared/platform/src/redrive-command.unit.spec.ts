import { parseRedriveArgs } from './redrive-command';

const def = { service: 'audit' as const, consumers: [{ name: 'audit-log' }, { name: 'identity' }] } as Parameters<typeof parseRedriveArgs>[0];

describe('redrive-dead-letters arguments', () => {
  it('redrives every consumer of the service by default', () => {
    expect(parseRedriveArgs(def, [])).toEqual({ consumers: ['audit-log', 'identity'], dryRun: false });
  });

  it('takes --consumer (repeatable) and --dry-run', () => {
    expect(parseRedriveArgs(def, ['--consumer', 'identity', '--dry-run'])).toEqual({ consumers: ['identity'], dryRun: true });
  });

  it('refuses a consumer the service does not have, and unknown arguments', () => {
    expect(() => parseRedriveArgs(def, ['--consumer', 'nope'])).toThrow(/audit has no consumer nope \(it has: audit-log, identity\)/);
    expect(() => parseRedriveArgs(def, ['--all'])).toThrow(/unknown argument --all/);
    expect(() => parseRedriveArgs(def, ['--consumer'])).toThrow(/unknown argument --consumer/);
  });
});
