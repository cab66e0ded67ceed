import { jsonDepthExceeds, unsafeJsonEscape, unsafePath, unsafeQuery, unsafeText } from './request-input';

const json = (text: string) => Buffer.from(text, 'utf8');
const nested = (depth: number) => '['.repeat(depth - 1) + '{}' + ']'.repeat(depth - 1);

describe('unsafeJsonEscape (raw JSON text)', () => {
  it.each([
    ['an escaped NUL in a value', '{"value":"a\\u0000b"}', 'NUL'],
    ['an escaped NUL in a key', '{"k\\u0000":"v"}', 'NUL'],
    ['an escaped NUL after an escaped backslash', '{"v":"\\\\\\u0000"}', 'NUL'],
    ['a lone high surrogate', '{"v":"\\ud800"}', 'surrogate'],
    ['a high surrogate followed by a non-surrogate escape', '{"v":"\\uD83D\\u0041"}', 'surrogate'],
    ['a high surrogate at the end of the body', '"\\uDBFF', 'surrogate'],
    ['a lone low surrogate', '{"v":"x\\uDC00"}', 'surrogate'],
    ['two high surrogates', '{"v":"\\uD800\\uD800"}', 'surrogate'],
    ['a lone surrogate in a key', '{"\\udfff":1}', 'surrogate'],
  ])('refuses %s', (_name, text, reason) => {
    expect(unsafeJsonEscape(json(text))).toBe(reason);
  });

  it.each([
    ['plain ASCII', '{"metrics":[{"key":"loss","value":0.5,"timestamp":1,"step":0}]}'],
    ['a valid surrogate pair', '{"v":"\\uD83D\\uDE00"}'],
    ['raw non-ASCII text', JSON.stringify({ v: 'grüße 😀 \u00e9' })],
    ['an escaped backslash followed by u0000', '{"v":"\\\\u0000"}'],
    ['other escapes', '{"v":"\\u0001\\u00e9\\n\\t"}'],
  ])('passes %s', (_name, text) => {
    expect(unsafeJsonEscape(json(text))).toBeUndefined();
  });

  it('agrees with JSON.parse on what the text holds', () => {
    for (const text of ['"\\u0000"', '"\\\\u0000"', '"\\\\\\u0000"', '"\\ud800\\udc00"', '"\\udc00\\ud800"']) {
      expect(unsafeJsonEscape(json(text)) !== undefined).toBe(unsafeText(JSON.parse(text) as string) !== undefined);
    }
  });
});

describe('unsafeText', () => {
  it('finds NUL and unpaired surrogates, not pairs', () => {
    expect(unsafeText('a\u0000')).toBe('NUL');
    expect(unsafeText('\ud800x')).toBe('surrogate');
    expect(unsafeText('x\udc00')).toBe('surrogate');
    expect(unsafeText('😀 grüße')).toBeUndefined();
  });
});

describe('jsonDepthExceeds', () => {
  it('allows 64 levels and refuses 65, in arrays and objects', () => {
    expect(jsonDepthExceeds(JSON.parse(nested(64)))).toBe(false);
    expect(jsonDepthExceeds(JSON.parse(nested(65)))).toBe(true);
    expect(jsonDepthExceeds(JSON.parse('{"a":'.repeat(200) + '1' + '}'.repeat(200)))).toBe(true);
    expect(jsonDepthExceeds({ metrics: Array.from({ length: 1000 }, (_, i) => ({ key: 'k', value: i })) })).toBe(false);
  });
});

describe('unsafePath and unsafeQuery', () => {
  it('decodes path segments before checking them', () => {
    expect(unsafePath('/api/2.0/mlflow/logged-models/%00')).toBe('NUL');
    expect(unsafePath('/api/2.0/mlflow/logged-models/%ED%A0%80')).toBe('malformed');
    expect(unsafePath('/api/2.0/mlflow/logged-models/m-%C3%A9')).toBeUndefined();
    expect(unsafePath('/api/2.0/mlflow/runs/get')).toBeUndefined();
  });

  it('checks query names and values, lists included', () => {
    expect(unsafeQuery({ run_id: 'a\u0000' })).toBe('NUL');
    expect(unsafeQuery({ 'k\u0000': 'v' })).toBe('NUL');
    expect(unsafeQuery({ ids: ['1', '\ud800'] })).toBe('surrogate');
    expect(unsafeQuery({ ids: ['1', '2'], q: 'x' })).toBeUndefined();
  });
});
