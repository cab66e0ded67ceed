import { republishArgs } from './republish';

describe('republish arguments', () => {
  it('takes --seq A-B or the range alone', () => {
    expect(republishArgs(['--seq', '3-9'])).toBe('3-9');
    expect(republishArgs(['3-9'])).toBe('3-9');
  });

  it('refuses a missing range with the usage', () => {
    expect(() => republishArgs([])).toThrow(/usage: main.js republish --seq/);
    expect(() => republishArgs(['--seq'])).toThrow(/usage/);
  });
});
