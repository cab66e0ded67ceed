import { Token, TokenStream } from './search-lexer';
import {
  AttributeSpec,
  Comparator,
  comparatorsFor,
  DATASET_KEYS,
  DatasetKey,
  EntityKind,
  ListComparator,
  NullComparator,
  NumericComparator,
  SearchTarget,
  StringComparator,
  VOCABULARY,
} from './search-vocabulary';

/**
 * Parser for MLflow's search filter: comparisons joined by AND (MLflow has no OR and no
 * parentheses), e.g. ``metrics.`val loss` < 0.3 AND params.optimizer = 'adam' AND status != 'FAILED'``.
 * The output is an AST with canonical keys (aliases such as `created` resolved) that
 * `search-sql.ts` turns into SQL. Every error is a SearchSyntaxError (INVALID_PARAMETER_VALUE).
 */

export type FilterPredicate =
  | { kind: 'metric'; key: string; comparator: NumericComparator; value: number }
  | { kind: 'param' | 'tag'; key: string; comparator: StringComparator; value: string }
  | { kind: 'param' | 'tag'; key: string; comparator: NullComparator }
  | { kind: 'stringAttribute'; key: string; comparator: StringComparator; value: string }
  | { kind: 'stringAttribute'; key: string; comparator: ListComparator; values: string[] }
  | { kind: 'numericAttribute'; key: string; comparator: NumericComparator; value: number }
  | { kind: 'dataset'; key: DatasetKey; comparator: StringComparator; value: string }
  | { kind: 'dataset'; key: DatasetKey; comparator: ListComparator; values: string[] };

/** A resolved identifier: `metrics.acc` → metric `acc`; `created` → attribute `start_time`. */
export interface SearchIdentifier {
  kind: EntityKind;
  key: string;
  attribute?: AttributeSpec;
}

function segmentText(t: Token): string | null {
  return t.kind === 'word' || t.kind === 'backtick' || t.kind === 'dquote' ? t.text : null;
}

/** Reads `entity.key` or a bare attribute key and resolves it against the target's vocabulary. */
export function parseIdentifier(s: TokenStream, target: SearchTarget, use: 'filter' | 'order'): SearchIdentifier {
  const vocabulary = VOCABULARY[target];
  const first = s.next();
  const firstText = segmentText(first);
  if (first.kind === 'lparen') throw s.error(first, 'parentheses are not supported, MLflow filters are comparisons joined by AND');
  if (firstText === null) throw s.error(first, 'expected an identifier such as metrics.<key>, params.<key>, tags.<key> or an attribute');

  const attributes = use === 'filter' ? vocabulary.filterAttributes : vocabulary.orderAttributes;
  const resolveAttribute = (key: string, at: Token): SearchIdentifier => {
    const attribute = Object.hasOwn(attributes, key) ? attributes[key] : undefined;
    if (!attribute)
      throw s.error(
        at,
        `invalid attribute key '${key}', valid keys are ${Object.keys(attributes)
          .map((k) => `'${k}'`)
          .join(', ')}`,
      );
    return { kind: 'attribute', key: attribute.key, attribute };
  };

  if (s.peek().kind !== 'dot') return resolveAttribute(firstText, first);
  if (first.kind === 'dquote') throw s.error(first, 'an entity type must not be double-quoted');

  if (Object.hasOwn(vocabulary.unsupportedEntities, firstText)) throw s.error(first, vocabulary.unsupportedEntities[firstText]);
  const kind = Object.hasOwn(vocabulary.entities, firstText) ? vocabulary.entities[firstText] : undefined;
  if (!kind) {
    const valid = [...new Set(Object.values(vocabulary.entities))].map((k) => `'${k === 'param' ? 'parameter' : k}'`).join(', ');
    throw s.error(first, `invalid entity type '${firstText}', valid entity types are ${valid}`);
  }
  s.next(); // the dot

  const keyStart = s.peek();
  const segments: Token[] = [];
  for (;;) {
    const seg = s.next();
    if (segmentText(seg) === null) throw s.error(seg, `expected a key after '${firstText}.'`);
    segments.push(seg);
    if (s.peek().kind !== 'dot') break;
    s.next();
  }
  if (segments.length > 1 && segments.some((t) => t.kind !== 'word')) throw s.error(keyStart, 'a quoted key must be the whole key');
  const key = segments.map((t) => t.text).join('.');
  if (key === '') throw s.error(keyStart, 'a key name must be provided');
  if (kind === 'dataset' && !(DATASET_KEYS as readonly string[]).includes(key)) {
    throw s.error(keyStart, `invalid dataset key '${key}', valid keys are ${DATASET_KEYS.map((k) => `'${k}'`).join(', ')}`);
  }
  return kind === 'attribute' ? resolveAttribute(key, keyStart) : { kind, key };
}

function parseComparator(s: TokenStream): { comparator: Comparator; at: Token } {
  const at = s.peek();
  if (at.kind === 'operator') {
    s.next();
    if (at.text === '<>' || at.text === '==') throw s.error(at, `unsupported comparator '${at.text}'`);
    return { comparator: at.text as NumericComparator, at };
  }
  if (s.acceptKeyword('LIKE')) return { comparator: 'LIKE', at };
  if (s.acceptKeyword('ILIKE')) return { comparator: 'ILIKE', at };
  if (s.acceptKeyword('IN')) return { comparator: 'IN', at };
  if (s.acceptKeyword('NOT')) {
    if (!s.acceptKeyword('IN')) throw s.error(s.peek(), 'expected IN after NOT');
    return { comparator: 'NOT IN', at };
  }
  if (s.acceptKeyword('IS')) {
    const not = s.acceptKeyword('NOT');
    if (!s.acceptKeyword('NULL')) throw s.error(s.peek(), `expected NULL after IS${not ? ' NOT' : ''}`);
    return { comparator: not ? 'IS NOT NULL' : 'IS NULL', at };
  }
  throw s.error(at, 'expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL)');
}

function parseNumber(s: TokenStream, what: string, integer: boolean): number {
  const t = s.next();
  if (t.kind !== 'number') throw s.error(t, `expected a numeric value for ${what}`);
  const value = Number(t.text);
  if (integer && !Number.isSafeInteger(value)) throw s.error(t, `expected an integer value for ${what}`);
  return value;
}

function parseString(s: TokenStream, what: string): string {
  const t = s.next();
  if (t.kind === 'string' || t.kind === 'dquote') return t.text;
  throw s.error(t, `expected a quoted string value for ${what} (e.g. 'my-value')`);
}

function parseStringList(s: TokenStream): string[] {
  const open = s.next();
  if (open.kind !== 'lparen') throw s.error(open, "expected a parenthesised list of quoted strings, e.g. ('a', 'b')");
  const values: string[] = [];
  while (s.peek().kind !== 'rparen') {
    values.push(parseString(s, 'a list element'));
    const sep = s.peek();
    if (sep.kind === 'comma') s.next();
    else if (sep.kind !== 'rparen') throw s.error(sep, "expected ',' or ')' in the list");
  }
  s.next();
  if (values.length === 0) throw s.error(open, 'expected a non-empty list of string values');
  return values;
}

function parseComparison(s: TokenStream, target: SearchTarget): FilterPredicate {
  const id = parseIdentifier(s, target, 'filter');
  const { comparator, at } = parseComparator(s);
  const allowed = comparatorsFor(id.kind, id.attribute, target);
  if ((comparator === 'IN' || comparator === 'NOT IN') && id.attribute?.type === 'string' && !id.attribute.list && target === 'runs') {
    throw s.error(at, "only the 'run_id' attribute supports comparison with a list of quoted string values");
  }
  if (!allowed.includes(comparator)) throw s.error(at, `invalid comparator '${comparator}' for ${describe(id)}, expected one of ${allowed.join(', ')}`);

  switch (id.kind) {
    case 'metric':
      return { kind: 'metric', key: id.key, comparator: comparator as NumericComparator, value: parseNumber(s, 'a metric', false) };
    case 'param':
    case 'tag':
      if (comparator === 'IS NULL' || comparator === 'IS NOT NULL') return { kind: id.kind, key: id.key, comparator };
      return { kind: id.kind, key: id.key, comparator: comparator as StringComparator, value: parseString(s, id.kind) };
    case 'dataset': {
      const key = id.key as DatasetKey;
      if (comparator === 'IN' || comparator === 'NOT IN') return { kind: 'dataset', key, comparator, values: parseStringList(s) };
      return { kind: 'dataset', key, comparator: comparator as StringComparator, value: parseString(s, `dataset ${key}`) };
    }
    case 'attribute':
      if (id.attribute?.type === 'number') {
        return { kind: 'numericAttribute', key: id.key, comparator: comparator as NumericComparator, value: parseNumber(s, `numeric attribute ${id.key}`, true) };
      }
      if (comparator === 'IN' || comparator === 'NOT IN') return { kind: 'stringAttribute', key: id.key, comparator, values: parseStringList(s) };
      return { kind: 'stringAttribute', key: id.key, comparator: comparator as StringComparator, value: parseString(s, `attribute ${id.key}`) };
  }
}

function describe(id: SearchIdentifier): string {
  return id.kind === 'attribute' ? `${id.attribute?.type ?? 'string'} attribute '${id.key}'` : `${id.kind} '${id.key}'`;
}

/** Parses a filter string for the given search; an empty or blank filter matches everything. */
export function parseSearchFilter(filter: string | null | undefined, target: SearchTarget): FilterPredicate[] {
  if (!filter || filter.trim() === '') return [];
  const s = TokenStream.of(filter);
  const predicates: FilterPredicate[] = [parseComparison(s, target)];
  for (;;) {
    const t = s.peek();
    if (t.kind === 'eof') return predicates;
    if (s.acceptKeyword('AND')) {
      predicates.push(parseComparison(s, target));
      continue;
    }
    if (t.kind === 'word' && t.text.toUpperCase() === 'OR') throw s.error(t, 'OR is not supported, MLflow filters are comparisons joined by AND');
    throw s.error(t, 'expected AND or the end of the filter');
  }
}

export function parseRunsFilter(filter: string | null | undefined): FilterPredicate[] {
  return parseSearchFilter(filter, 'runs');
}

export function parseExperimentsFilter(filter: string | null | undefined): FilterPredicate[] {
  return parseSearchFilter(filter, 'experiments');
}
