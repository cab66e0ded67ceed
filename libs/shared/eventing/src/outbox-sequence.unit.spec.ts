import { parseSeqRange, SeqRangeError } from './outbox-sequence';

describe('sequence ranges from a command line', () => {
  it('reads a range or a single number', () => {
    expect(parseSeqRange('17-42')).toEqual({ from: 17, to: 42 });
    expect(parseSeqRange(' 5 ')).toEqual({ from: 5, to: 5 });
  });

  it.each(['', 'x', '0', '0-3', '9-3', '-3', '3-', '1-2-3', '1.5', '1234567890123456'])('refuses "%s"', (text) => {
    expect(() => parseSeqRange(text)).toThrow(SeqRangeError);
  });
});
