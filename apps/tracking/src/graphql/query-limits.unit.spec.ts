import { parse } from 'graphql';
import { queryLimitViolation } from './query-limits';

const check = (q: string) => queryLimitViolation(parse(q));
const nested = (depth: number) => `${'{ a '.repeat(depth)}${'}'.repeat(depth)}`.replace(/a }/, 'b }');

describe('GraphQL query limits', () => {
  it('lets the web UI’s documents through', () => {
    expect(check('query Q($d: MlflowGetRunInput!) @component(name: "x") { mlflowGetRun(input: $d) { run { info { runId } data { metrics { key value } } } } }')).toBeUndefined();
  });

  it('bounds depth at 10, counting fragments where they are spread', () => {
    expect(check(nested(10))).toBeUndefined();
    expect(check(nested(11))).toBe('Query exceeds maximum depth of 10');
    expect(check(`{ a { ...F } } fragment F on T { b { c { d { e { f { g { h { i { j { k } } } } } } } } } }`)).toBe('Query exceeds maximum depth of 10');
  });

  it('bounds root fields and aliases per level at 10, fragments included', () => {
    const roots = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `f${i}`).join(' ')} }`;
    expect(check(roots(10))).toBeUndefined();
    expect(check(roots(11))).toMatch(/at most 10 root fields, got 11/);
    const aliases = (n: number) => `{ x { ${Array.from({ length: n }, (_, i) => `a${i}: f`).join(' ')} } }`;
    expect(check(aliases(10))).toBeUndefined();
    expect(check(aliases(11))).toMatch(/at most 10 aliases, got 11/);
    expect(check(`{ x { ...A ...B } } fragment A on T { ${'a: f '.repeat(6)} } fragment B on T { ${'b: f '.repeat(6)} }`)).toMatch(/got 12 aliases/);
  });

  it('bounds total selections at 1000, so a fragment spread many times costs what it expands to', () => {
    const fields = Array.from({ length: 100 }, (_, i) => `f${i}`).join(' ');
    const spreads = Array.from({ length: 10 }, (_, i) => `r${i}: x { ...F }`).join(' ');
    expect(check(`{ ${spreads} } fragment F on T { ${fields} }`)).toBe('Query exceeds maximum total selections of 1000');
  });

  it('stops fragments that spread each other twice over before the count itself explodes', () => {
    const frags = Array.from({ length: 40 }, (_, i) => `fragment F${i} on T { ...F${i + 1} ...F${i + 1} }`).join(' ');
    expect(check(`{ x { ...F0 } } ${frags} fragment F40 on T { y }`)).toBe('Query exceeds maximum total selections of 1000');
  });

  it('follows a fragment cycle once instead of looping', () => {
    expect(check('{ x { ...A } } fragment A on T { y ...B } fragment B on T { z ...A }')).toBeUndefined();
  });
});
