import { DocumentNode, FragmentDefinitionNode, Kind, SelectionSetNode } from 'graphql';

/**
 * The bounds a GraphQL document must keep before it runs, MLflow's own (`graphql_no_batching.py`,
 * with its default limits): nesting depth, total field selections, root fields and aliases per
 * level. They make batching (many roots or aliases in one request) and amplification (deep or wide
 * selections, fragments spread over and over) cost at most a fixed amount per request. Fragments
 * count where they are spread, so spreading one many times costs as much as writing it out.
 */
export const QUERY_LIMITS = { maxDepth: 10, maxSelections: 1000, maxRootFields: 10, maxAliases: 10, maxTokens: 10_000 } as const;

export type Limits = Omit<typeof QUERY_LIMITS, 'maxTokens'>;

/** The first bound the document breaks, as the message its `errors` entry carries; undefined if none. */
export function queryLimitViolation(doc: DocumentNode, limits: Limits = QUERY_LIMITS): string | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let selections = 0;
  for (const op of doc.definitions) {
    if (op.kind !== Kind.OPERATION_DEFINITION) continue;
    const stack: { set: SelectionSetNode; depth: number; spread: ReadonlySet<string> }[] = [{ set: op.selectionSet, depth: 1, spread: new Set() }];
    while (stack.length > 0) {
      const { set, depth, spread } = stack.pop() as (typeof stack)[number];
      if (depth > limits.maxDepth) return `Query exceeds maximum depth of ${limits.maxDepth}`;
      const level = fieldsOf(set, fragments, spread, limits.maxSelections);
      if (level === undefined) return `Query exceeds maximum total selections of ${limits.maxSelections}`;
      if (level.aliases > limits.maxAliases) return `GraphQL queries should have at most ${limits.maxAliases} aliases, got ${level.aliases} aliases.`;
      if (depth === 1 && level.fields.length > limits.maxRootFields) {
        return `GraphQL queries should have at most ${limits.maxRootFields} root fields, got ${level.fields.length} root fields.`;
      }
      for (const f of level.fields) {
        selections += 1;
        if (selections > limits.maxSelections) return `Query exceeds maximum total selections of ${limits.maxSelections}`;
        if (f.set) stack.push({ set: f.set, depth: depth + 1, spread: f.spread });
      }
    }
  }
  return undefined;
}

interface LevelField {
  set?: SelectionSetNode;
  /** The fragments spread on the way here: a fragment that spreads itself is followed once. */
  spread: ReadonlySet<string>;
}

/**
 * The fields of one level, fragments (inline or spread) merged in as GraphQL merges them; undefined
 * past `budget` fields and spreads, so fragments that spread each other twice over cannot make
 * this count itself exponential work.
 */
function fieldsOf(root: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, spread: ReadonlySet<string>, budget: number): { fields: LevelField[]; aliases: number } | undefined {
  const fields: LevelField[] = [];
  let aliases = 0;
  let work = 0;
  const queue: { set: SelectionSetNode; spread: ReadonlySet<string> }[] = [{ set: root, spread }];
  while (queue.length > 0) {
    const { set, spread: seen } = queue.shift() as (typeof queue)[number];
    for (const s of set.selections) {
      if (++work > budget) return undefined;
      if (s.kind === Kind.FIELD) {
        if (s.alias) aliases += 1;
        fields.push({ set: s.selectionSet, spread: seen });
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        queue.push({ set: s.selectionSet, spread: seen });
      } else {
        const name = s.name.value;
        const frag = fragments.get(name);
        if (frag && !seen.has(name)) queue.push({ set: frag.selectionSet, spread: new Set([...seen, name]) });
      }
    }
  }
  return { fields, aliases };
}
