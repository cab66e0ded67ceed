export type { Sql } from '@custos/eventing';

export interface SqlParamsLike {
  bind(value: unknown): string;
}
