import { Injectable } from '@nestjs/common';
import { execute, getNamedType, GraphQLError, GraphQLFieldResolver, GraphQLFloat, GraphQLSchema, parse, validate } from 'graphql';
import { denialOf, toCoded } from '@custos/platform';
import { mlflowSchema } from './mlflow-schema';
import { MlflowResolvers } from './mlflow-resolvers';
import { QUERY_LIMITS, queryLimitViolation } from './query-limits';

/** MLflow's answer: `data`, and `errors` as a list of messages (strings, not objects) or null. */
export interface GraphqlBody {
  data: Record<string, unknown> | null;
  errors: string[] | null;
}

export interface GraphqlAnswer {
  status: number;
  body: GraphqlBody;
  /** Why a resolver refused the caller (answered as "not found"), for the gateway's audit record. */
  denial?: string;
}

export interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

const badRequest = (message: string): GraphqlAnswer => ({ status: 400, body: { data: null, errors: [message] } });
const snakeCase = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Results are MLflow's JSON messages, so a field is read under its camelCase name or, failing
 * that, its proto (snake_case) name; a function is a resolver. A metric's value that is not a
 * finite number (NaN, ±Infinity) is null, as MLflow's MlflowMetricExtension answers a NaN.
 */
const readField: GraphQLFieldResolver<unknown, unknown> = (source, args, ctx, info) => {
  if (typeof source !== 'object' || source === null) return undefined;
  const record = source as Record<string, unknown>;
  const value = info.fieldName in record ? record[info.fieldName] : record[snakeCase(info.fieldName)];
  if (typeof value === 'function') return (value as (a: unknown, c: unknown, i: unknown) => unknown).call(source, args, ctx, info);
  if (getNamedType(info.returnType) === GraphQLFloat && value !== undefined && value !== null && !(typeof value === 'number' && Number.isFinite(value))) return null;
  return value;
};

/**
 * MLflow's `/graphql` over HTTP. A request that is not a GraphQL request (no query text, variables
 * that are not an object) or a document that does not parse answers 400; a document that parses
 * but breaks a bound, does not validate against the schema, or whose variables do not coerce
 * answers 200 with its errors, as MLflow does; a resolver's MLflow error (a 4xx in REST) becomes
 * its message in `errors` with the field null. A failure of ours (a 5xx in REST) is thrown, so the
 * service's error filter answers it as it answers every route.
 */
@Injectable()
export class MlflowGraphql {
  private readonly schema: GraphQLSchema = mlflowSchema();

  constructor(private readonly resolvers: MlflowResolvers) {}

  async run(req: GraphqlRequest): Promise<GraphqlAnswer> {
    const { query, variables, operationName } = req;
    if (typeof query !== 'string' || query.trim() === '') return badRequest("The request must carry the GraphQL document as the string 'query'.");
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return badRequest("'variables' must be an object.");
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return badRequest("'operationName' must be a string.");
    let document;
    try {
      document = parse(query, { maxTokens: QUERY_LIMITS.maxTokens, noLocation: true });
    } catch (e) {
      return badRequest(e instanceof GraphQLError ? e.message : 'The query is not a GraphQL document.');
    }
    const violation = queryLimitViolation(document);
    if (violation) return { status: 200, body: { data: null, errors: [violation] } };
    const invalid = validate(this.schema, document);
    if (invalid.length > 0) return { status: 200, body: { data: null, errors: invalid.map((e) => e.message) } };
    const result = await execute({
      schema: this.schema,
      document,
      rootValue: this.resolvers.rootValue(),
      variableValues: (variables ?? undefined) as Record<string, unknown> | undefined,
      operationName: operationName ?? undefined,
      fieldResolver: readField,
    });
    let denial: string | undefined;
    for (const e of result.errors ?? []) {
      const cause = e.originalError;
      if (!cause || cause instanceof GraphQLError) continue;
      const coded = toCoded(cause);
      if (coded.httpStatus >= 500) throw cause;
      denial ??= denialOf(cause, coded);
    }
    const body: GraphqlBody = { data: (result.data as Record<string, unknown> | null | undefined) ?? null, errors: result.errors?.map((e) => e.message) ?? null };
    return denial === undefined ? { status: 200, body } : { status: 200, body, denial };
  }
}
