import { parseExperimentsFilter, parseRunsFilter } from './search-filter';
import { SearchSyntaxError, tokenize } from './search-lexer';

function syntaxErrorOf(fn: () => unknown): SearchSyntaxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SearchSyntaxError) return e;
    throw e;
  }
  throw new Error('expected a SearchSyntaxError');
}

describe('search filter parser', () => {
  it('matches everything for an empty or blank filter', () => {
    expect(parseRunsFilter('')).toEqual([]);
    expect(parseRunsFilter('   ')).toEqual([]);
    expect(parseRunsFilter(undefined)).toEqual([]);
  });

  describe('metrics', () => {
    it.each(['=', '!=', '<', '<=', '>', '>='] as const)('parses %s', (op) => {
      expect(parseRunsFilter(`metrics.acc ${op} 0.5`)).toEqual([{ kind: 'metric', key: 'acc', comparator: op, value: 0.5 }]);
    });

    it.each([
      ['-1', -1],
      ['.5', 0.5],
      ['3.', 3],
      ['1e-3', 0.001],
      ['-2.5E+2', -250],
    ])('reads the number %s', (text, value) => {
      expect(parseRunsFilter(`metric.m>${text}`)).toEqual([{ kind: 'metric', key: 'm', comparator: '>', value }]);
    });

    it('refuses string values and string comparators', () => {
      expect(syntaxErrorOf(() => parseRunsFilter("metrics.acc = '1'")).reason).toBe('expected a numeric value for a metric');
      expect(syntaxErrorOf(() => parseRunsFilter('metrics.acc LIKE 1')).reason).toMatch(/invalid comparator 'LIKE' for metric 'acc'/);
      expect(syntaxErrorOf(() => parseRunsFilter('metrics.acc IS NULL')).reason).toMatch(/invalid comparator 'IS NULL'/);
    });
  });

  describe('params and tags', () => {
    it.each(['=', '!=', 'LIKE', 'ILIKE'] as const)('parses %s with single or double quotes', (op) => {
      expect(parseRunsFilter(`params.optimizer ${op} 'ad%'`)).toEqual([{ kind: 'param', key: 'optimizer', comparator: op, value: 'ad%' }]);
      expect(parseRunsFilter(`tags.env ${op} "prod"`)).toEqual([{ kind: 'tag', key: 'env', comparator: op, value: 'prod' }]);
    });

    it('reads keywords in any case', () => {
      expect(parseRunsFilter("params.p like 'a' and tags.t ilike 'b'")).toEqual([
        { kind: 'param', key: 'p', comparator: 'LIKE', value: 'a' },
        { kind: 'tag', key: 't', comparator: 'ILIKE', value: 'b' },
      ]);
    });

    it('parses IS NULL and IS NOT NULL', () => {
      expect(parseRunsFilter('tags.env IS NULL AND params.lr is not null')).toEqual([
        { kind: 'tag', key: 'env', comparator: 'IS NULL' },
        { kind: 'param', key: 'lr', comparator: 'IS NOT NULL' },
      ]);
    });

    it('accepts every entity prefix MLflow does', () => {
      for (const prefix of ['param', 'params', 'parameter', 'parameters', '`params`']) {
        expect(parseRunsFilter(`${prefix}.p = 'x'`)[0]).toMatchObject({ kind: 'param', key: 'p' });
      }
      for (const prefix of ['tag', 'tags']) expect(parseRunsFilter(`${prefix}.t = 'x'`)[0]).toMatchObject({ kind: 'tag' });
      for (const prefix of ['metric', 'metrics']) expect(parseRunsFilter(`${prefix}.m = 1`)[0]).toMatchObject({ kind: 'metric' });
    });

    it('reads quoted and dotted keys', () => {
      expect(parseRunsFilter("metrics.`my metric` > 1 AND tags.\"a b\" = 'x' AND tags.mlflow.runName = 'r' AND params.`it``s` = 'y'")).toEqual([
        { kind: 'metric', key: 'my metric', comparator: '>', value: 1 },
        { kind: 'tag', key: 'a b', comparator: '=', value: 'x' },
        { kind: 'tag', key: 'mlflow.runName', comparator: '=', value: 'r' },
        { kind: 'param', key: 'it`s', comparator: '=', value: 'y' },
      ]);
    });

    it('unescapes doubled quotes in values', () => {
      expect(parseRunsFilter("params.p = 'it''s'")).toEqual([{ kind: 'param', key: 'p', comparator: '=', value: "it's" }]);
    });

    it('refuses unquoted and numeric values', () => {
      expect(syntaxErrorOf(() => parseRunsFilter('params.p = adam')).reason).toMatch(/expected a quoted string value for param/);
      expect(syntaxErrorOf(() => parseRunsFilter('tags.t = 1')).reason).toMatch(/expected a quoted string value for tag/);
    });
  });

  describe('run attributes', () => {
    it('parses string attributes, numeric attributes and aliases', () => {
      expect(
        parseRunsFilter(
          "attributes.status = 'FINISHED' AND run.user_id != 'bob' AND attr.artifact_uri LIKE 's3:%' AND start_time >= 100 AND created < 200 AND `Run Name` = 'x' AND attribute.end_time > 5",
        ),
      ).toEqual([
        { kind: 'stringAttribute', key: 'status', comparator: '=', value: 'FINISHED' },
        { kind: 'stringAttribute', key: 'user_id', comparator: '!=', value: 'bob' },
        { kind: 'stringAttribute', key: 'artifact_uri', comparator: 'LIKE', value: 's3:%' },
        { kind: 'numericAttribute', key: 'start_time', comparator: '>=', value: 100 },
        { kind: 'numericAttribute', key: 'start_time', comparator: '<', value: 200 },
        { kind: 'stringAttribute', key: 'run_name', comparator: '=', value: 'x' },
        { kind: 'numericAttribute', key: 'end_time', comparator: '>', value: 5 },
      ]);
    });

    it('parses IN and NOT IN lists for run_id', () => {
      expect(parseRunsFilter("attributes.run_id IN ('a', \"b\",) AND run_id NOT IN ('c')")).toEqual([
        { kind: 'stringAttribute', key: 'run_id', comparator: 'IN', values: ['a', 'b'] },
        { kind: 'stringAttribute', key: 'run_id', comparator: 'NOT IN', values: ['c'] },
      ]);
    });

    it('allows lists only for run_id and only non-empty ones', () => {
      expect(syntaxErrorOf(() => parseRunsFilter("status IN ('A')")).reason).toBe("only the 'run_id' attribute supports comparison with a list of quoted string values");
      expect(syntaxErrorOf(() => parseRunsFilter('run_id IN ()')).reason).toBe('expected a non-empty list of string values');
      expect(syntaxErrorOf(() => parseRunsFilter("run_id IN 'a'")).reason).toMatch(/parenthesised list/);
      expect(syntaxErrorOf(() => parseRunsFilter("run_id IN ('a' 'b')")).reason).toBe("expected ',' or ')' in the list");
    });

    it('wants whole numbers for numeric attributes', () => {
      expect(syntaxErrorOf(() => parseRunsFilter('start_time > 1.5')).reason).toBe('expected an integer value for numeric attribute start_time');
      expect(syntaxErrorOf(() => parseRunsFilter("end_time = 'x'")).reason).toBe('expected a numeric value for numeric attribute end_time');
      expect(syntaxErrorOf(() => parseRunsFilter('start_time LIKE 1')).reason).toMatch(/invalid comparator 'LIKE' for number attribute 'start_time'/);
    });
  });

  describe('experiments', () => {
    it('parses name, times and tags', () => {
      expect(parseExperimentsFilter("name LIKE 'exp%' AND attribute.creation_time > 5 AND tags.team = 'ml' AND tags.owner IS NULL AND last_update_time <= 9")).toEqual([
        { kind: 'stringAttribute', key: 'name', comparator: 'LIKE', value: 'exp%' },
        { kind: 'numericAttribute', key: 'creation_time', comparator: '>', value: 5 },
        { kind: 'tag', key: 'team', comparator: '=', value: 'ml' },
        { kind: 'tag', key: 'owner', comparator: 'IS NULL' },
        { kind: 'numericAttribute', key: 'last_update_time', comparator: '<=', value: 9 },
      ]);
    });

    it('refuses run-only operands', () => {
      expect(syntaxErrorOf(() => parseExperimentsFilter('metrics.a > 1')).reason).toMatch(/invalid entity type 'metrics', valid entity types are 'attribute', 'tag'/);
      expect(syntaxErrorOf(() => parseExperimentsFilter("status = 'x'")).reason).toMatch(/invalid attribute key 'status'/);
      expect(syntaxErrorOf(() => parseExperimentsFilter("name IN ('a')")).reason).toMatch(/invalid comparator 'IN'/);
    });
  });

  describe('datasets', () => {
    it('parses name, digest and context comparisons, including lists', () => {
      expect(parseRunsFilter("datasets.name = 'iris' AND dataset.digest != 'abc' AND datasets.context IN ('training', 'eval') AND datasets.name LIKE 'ir%'")).toEqual([
        { kind: 'dataset', key: 'name', comparator: '=', value: 'iris' },
        { kind: 'dataset', key: 'digest', comparator: '!=', value: 'abc' },
        { kind: 'dataset', key: 'context', comparator: 'IN', values: ['training', 'eval'] },
        { kind: 'dataset', key: 'name', comparator: 'LIKE', value: 'ir%' },
      ]);
    });

    it('is not an experiment entity and cannot be sorted on', () => {
      expect(syntaxErrorOf(() => parseExperimentsFilter("datasets.name = 'd'")).reason).toMatch(/invalid entity type 'datasets'/);
    });
  });

  describe('malformed input reports where it failed', () => {
    it.each([
      ["metrics.a > 1 OR params.b = 'c'", 14, "'OR'", 'OR is not supported, MLflow filters are comparisons joined by AND'],
      ['(metrics.a > 1)', 0, "'('", 'parentheses are not supported, MLflow filters are comparisons joined by AND'],
      ['metrics.a >', 11, 'end of input', 'expected a numeric value for a metric'],
      ['metrics.a > 1 AND', 17, 'end of input', 'expected an identifier such as metrics.<key>, params.<key>, tags.<key> or an attribute'],
      ['metrics.a 1', 10, "'1'", 'expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL)'],
      ['metrics.a <> 1', 10, "'<>'", "unsupported comparator '<>'"],
      ['metrics.a == 1', 10, "'=='", "unsupported comparator '=='"],
      ["params.p = 'open", 11, "''open'", 'unterminated string'],
      ['foo.bar = 1', 0, "'foo'", "invalid entity type 'foo', valid entity types are 'metric', 'parameter', 'tag', 'attribute', 'dataset'"],
      ["colour = 'red'", 0, "'colour'", /^invalid attribute key 'colour', valid keys are 'run_id', 'run_name'/],
      ["datasets.size = 'd'", 9, "'size'", "invalid dataset key 'size', valid keys are 'name', 'digest', 'context'"],
      ['datasets.name > 1', 14, "'>'", "invalid comparator '>' for dataset 'name', expected one of =, !=, LIKE, ILIKE, IN, NOT IN"],
      ['metrics.a > 1 metrics.b > 2', 14, "'metrics'", 'expected AND or the end of the filter'],
      ['metrics.a > 1abc', 12, "'1a'", 'malformed number'],
      ['metrics.a > 1 ; DROP TABLE runs', 14, "';'", 'unexpected character'],
      ["params.p IS NOT 'x'", 16, "''x''", 'expected NULL after IS NOT'],
      ["params.p NOT LIKE 'x'", 13, "'LIKE'", 'expected IN after NOT'],
      ["tags. = 'x'", 6, "'='", "expected a key after 'tags.'"],
      ["tags.`` = 'x'", 5, "'``'", 'a key name must be provided'],
      ["tags.`a`.b = 'x'", 5, "'`a`'", 'a quoted key must be the whole key'],
    ])('%j', (filter, offset, near, reason) => {
      const e = syntaxErrorOf(() => parseRunsFilter(filter));
      expect(e.code).toBe('INVALID_PARAMETER_VALUE');
      expect(e.offset).toBe(offset);
      expect(e.near).toBe(near);
      expect(e.reason).toEqual(reason instanceof RegExp ? expect.stringMatching(reason) : reason);
    });

    it('says it in the message too', () => {
      expect(syntaxErrorOf(() => parseRunsFilter("metrics.a > 1 OR params.b = 'c'")).message).toBe(
        "Invalid filter 'metrics.a > 1 OR params.b = 'c'': OR is not supported, MLflow filters are comparisons joined by AND at character 15 (near 'OR')",
      );
    });
  });

  it('tokenizes with offsets, gluing dots only to the segment before them', () => {
    expect(tokenize('metrics.`a b` >= .5').map((t) => [t.kind, t.text, t.offset])).toEqual([
      ['word', 'metrics', 0],
      ['dot', '.', 7],
      ['backtick', 'a b', 8],
      ['operator', '>=', 14],
      ['number', '.5', 17],
      ['eof', '', 19],
    ]);
  });
});
