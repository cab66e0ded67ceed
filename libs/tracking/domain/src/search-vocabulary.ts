/**
 * What each MLflow search accepts (`mlflow/utils/search_utils.py`: SearchUtils for runs,
 * SearchExperimentsUtils for experiments): entity prefixes, attribute keys with their aliases and
 * types, and the comparators each kind of operand allows.
 */

export type SearchTarget = 'runs' | 'experiments';
export type EntityKind = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

/** The dataset fields search_runs filters on (`datasets.name`, `datasets.digest`, `datasets.context`). */
export const DATASET_KEYS = ['name', 'digest', 'context'] as const;
export type DatasetKey = (typeof DATASET_KEYS)[number];

export const NUMERIC_COMPARATORS = ['=', '!=', '<', '<=', '>', '>='] as const;
export const STRING_COMPARATORS = ['=', '!=', 'LIKE', 'ILIKE'] as const;
export const LIST_COMPARATORS = ['IN', 'NOT IN'] as const;
export const NULL_COMPARATORS = ['IS NULL', 'IS NOT NULL'] as const;

export type NumericComparator = (typeof NUMERIC_COMPARATORS)[number];
export type StringComparator = (typeof STRING_COMPARATORS)[number];
export type ListComparator = (typeof LIST_COMPARATORS)[number];
export type NullComparator = (typeof NULL_COMPARATORS)[number];
export type Comparator = NumericComparator | StringComparator | ListComparator | NullComparator;

export interface AttributeSpec {
  /** The canonical key the alias stands for (`created` means `start_time`). */
  key: string;
  type: 'string' | 'number';
  /** Only `run_id` may be compared with a list (`IN`, `NOT IN`). */
  list?: boolean;
}

export interface TargetVocabulary {
  entities: Readonly<Record<string, EntityKind>>;
  /** Entity prefixes MLflow knows but this service does not search on, with the reason. */
  unsupportedEntities: Readonly<Record<string, string>>;
  filterAttributes: Readonly<Record<string, AttributeSpec>>;
  orderAttributes: Readonly<Record<string, AttributeSpec>>;
  /** Entity kinds allowed in order_by. */
  orderEntities: readonly EntityKind[];
  /** Comparators for param and tag operands (experiments have no params). */
  keyValueComparators: readonly Comparator[];
}

const runAttributes: Record<string, AttributeSpec> = {
  run_id: { key: 'run_id', type: 'string', list: true },
  run_name: { key: 'run_name', type: 'string' },
  'run name': { key: 'run_name', type: 'string' },
  'Run name': { key: 'run_name', type: 'string' },
  'Run Name': { key: 'run_name', type: 'string' },
  status: { key: 'status', type: 'string' },
  user_id: { key: 'user_id', type: 'string' },
  artifact_uri: { key: 'artifact_uri', type: 'string' },
  start_time: { key: 'start_time', type: 'number' },
  created: { key: 'start_time', type: 'number' },
  Created: { key: 'start_time', type: 'number' },
  end_time: { key: 'end_time', type: 'number' },
};

const experimentFilterAttributes: Record<string, AttributeSpec> = {
  name: { key: 'name', type: 'string' },
  creation_time: { key: 'creation_time', type: 'number' },
  last_update_time: { key: 'last_update_time', type: 'number' },
};

export const VOCABULARY: Readonly<Record<SearchTarget, TargetVocabulary>> = {
  runs: {
    entities: {
      metric: 'metric',
      metrics: 'metric',
      parameter: 'param',
      parameters: 'param',
      param: 'param',
      params: 'param',
      tag: 'tag',
      tags: 'tag',
      attribute: 'attribute',
      attributes: 'attribute',
      attr: 'attribute',
      run: 'attribute',
      dataset: 'dataset',
      datasets: 'dataset',
    },
    unsupportedEntities: {},
    filterAttributes: runAttributes,
    orderAttributes: runAttributes,
    orderEntities: ['metric', 'param', 'tag', 'attribute'],
    keyValueComparators: [...STRING_COMPARATORS, ...NULL_COMPARATORS],
  },
  experiments: {
    entities: { attribute: 'attribute', attributes: 'attribute', attr: 'attribute', tag: 'tag', tags: 'tag' },
    unsupportedEntities: {},
    filterAttributes: experimentFilterAttributes,
    orderAttributes: { ...experimentFilterAttributes, experiment_id: { key: 'experiment_id', type: 'string' } },
    orderEntities: ['attribute'],
    keyValueComparators: [...STRING_COMPARATORS, ...NULL_COMPARATORS],
  },
};

export function comparatorsFor(kind: EntityKind, attribute: AttributeSpec | undefined, target: SearchTarget): readonly Comparator[] {
  switch (kind) {
    case 'metric':
      return NUMERIC_COMPARATORS;
    case 'param':
    case 'tag':
      return VOCABULARY[target].keyValueComparators;
    case 'dataset':
      return [...STRING_COMPARATORS, ...LIST_COMPARATORS];
    case 'attribute':
      if (attribute?.type === 'number') return NUMERIC_COMPARATORS;
      return attribute?.list ? [...STRING_COMPARATORS, ...LIST_COMPARATORS] : STRING_COMPARATORS;
  }
}
