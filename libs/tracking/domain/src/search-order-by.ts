import { TrackingError } from './errors';
import { parseIdentifier } from './search-filter';
import { TokenStream } from './search-lexer';
import { EntityKind, SearchTarget, VOCABULARY } from './search-vocabulary';

/**
 * MLflow `order_by` clauses: an identifier and an optional ASC/DESC (ascending by default), e.g.
 * ``metrics.`val loss` DESC``, `attributes.start_time ASC`, `params.lr`. Experiments sort on
 * attributes only.
 */
export interface OrderByTerm {
  kind: EntityKind;
  key: string;
  ascending: boolean;
}

export function parseOrderBy(clause: string, target: SearchTarget): OrderByTerm {
  const s = TokenStream.of(clause, 'order_by clause');
  if (s.peek().kind === 'eof') throw s.error(s.peek(), 'expected an identifier');
  const at = s.peek();
  const id = parseIdentifier(s, target, 'order');
  if (!VOCABULARY[target].orderEntities.includes(id.kind)) throw s.error(at, `invalid order_by entity '${id.kind}', only attributes can be sorted on`);
  let ascending = true;
  if (s.acceptKeyword('DESC')) ascending = false;
  else s.acceptKeyword('ASC');
  const rest = s.peek();
  if (rest.kind !== 'eof') throw s.error(rest, 'expected ASC, DESC or the end of the clause');
  return { kind: id.kind, key: id.key, ascending };
}

/** Parses every clause and refuses the same field twice, as MLflow does. */
export function parseOrderByList(clauses: readonly string[] | null | undefined, target: SearchTarget): OrderByTerm[] {
  const terms = (clauses ?? []).map((c) => parseOrderBy(c, target));
  const seen = new Set<string>();
  for (const t of terms) {
    const id = `${t.kind}:${t.key}`;
    if (seen.has(id)) throw TrackingError.invalidParameter(`\`order_by\` contains duplicate fields: ${JSON.stringify(clauses)}`);
    seen.add(id);
  }
  return terms;
}
