import { applyDecorators, Type } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiDefaultResponse, ApiOperation, ApiParam, ApiProduces, ApiProperty, ApiPropertyOptional, ApiQuery, ApiResponse, DECORATORS } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** MLflow's error body on its routes (`{error_code, message}`). */
export class MlflowErrorBody {
  @ApiProperty({ type: String, example: 'RESOURCE_DOES_NOT_EXIST' })
  error_code!: string;

  @ApiProperty({ type: String })
  message!: string;
}

/** RFC 9457 problem details: the error body of Custos's own (non-MLflow) routes. */
export class ProblemDetails {
  @ApiProperty({ type: String, example: 'urn:custos:error:resource_does_not_exist' })
  type!: string;

  @ApiProperty({ type: String })
  title!: string;

  @ApiProperty({ type: Number })
  status!: number;

  @ApiPropertyOptional({ type: String })
  detail?: string;
}

/** An answer with no fields (`{}`), as MLflow gives for most writes. */
export class EmptyResponse {}

/** An octet stream in or out (artifact bodies). */
export const BINARY = 'binary' as const;

/** An answer of headers alone (HEAD). */
export const HEADERS_ONLY = 'headers' as const;

export interface RouteDoc {
  summary?: string;
  /** Fields read from the query string: each `@ApiProperty` of the class becomes one parameter. */
  query?: Type<unknown>;
  /** The JSON body, or `BINARY` for a streamed one. */
  body?: Type<unknown> | typeof BINARY;
  /** The answer's body, or `BINARY`, or `HEADERS_ONLY` (HEAD); omitted with `status: 204` or `text`. */
  response?: Type<unknown> | typeof BINARY | typeof HEADERS_ONLY;
  /** The success status (200 unless given). */
  status?: number;
  /** A non-JSON answer: its content types (a page, a script), each a string body. */
  text?: string[];
  /** Path parameters by name (`:id` in the route, or `*path` wildcards). */
  params?: Record<string, string>;
}

interface PropertyMeta {
  type?: unknown;
  required?: boolean;
  isArray?: boolean;
  description?: string;
  enum?: unknown[];
  format?: string;
  default?: unknown;
}

/**
 * The request and answer shapes of a route, in one decorator: query fields, body, success body and
 * the error body of the route's dialect. The classes are the request/response DTOs a validation
 * step can decorate further; here they only describe.
 */
function route(dialect: Type<unknown>, doc: RouteDoc): MethodDecorator {
  const status = doc.status ?? 200;
  const decorators: (MethodDecorator | ClassDecorator)[] = [ApiDefaultResponse({ description: 'error', type: dialect })];
  if (doc.summary) decorators.push(ApiOperation({ summary: doc.summary }));
  if (doc.query) decorators.push(...queryParameters(doc.query));
  for (const [name, description] of Object.entries(doc.params ?? {})) decorators.push(ApiParam({ name, type: String, required: true, description }));
  if (doc.body === BINARY) decorators.push(ApiConsumes('application/octet-stream'), ApiBody({ schema: { type: 'string', format: 'binary' } }));
  else if (doc.body) decorators.push(ApiBody({ type: doc.body }));
  if (doc.text) decorators.push(ApiProduces(...doc.text), ApiResponse({ status, description: 'success', content: Object.fromEntries(doc.text.map((t) => [t, { schema: { type: 'string' } }])) }));
  else if (status === 204) decorators.push(ApiResponse({ status, description: 'no content' }));
  else if (doc.response === HEADERS_ONLY) decorators.push(ApiResponse({ status, description: 'headers only' }));
  else if (doc.response === BINARY) decorators.push(ApiProduces('application/octet-stream'), ApiResponse({ status, description: 'the bytes', schema: { type: 'string', format: 'binary' } }));
  else decorators.push(ApiResponse({ status, description: 'success', type: doc.response ?? EmptyResponse }));
  return applyDecorators(...decorators);
}

/** An MLflow route: errors as `{error_code, message}`. */
export const MlflowApi = (doc: RouteDoc): MethodDecorator => route(MlflowErrorBody, doc);

/** One of Custos's own admin routes: errors as problem details. */
export const AdminApi = (doc: RouteDoc): MethodDecorator => route(ProblemDetails, doc);

/** A route that answers errors in another API's dialect (the AI gateway's OpenAI and Anthropic fronts): `errorBody` describes it. */
export const DialectApi = (errorBody: Type<unknown>, doc: RouteDoc): MethodDecorator => route(errorBody, doc);

/** The query parameters a request class describes (MLflow's GET routes take its fields in the query). */
function queryParameters(cls: Type<unknown>): MethodDecorator[] {
  const names = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, cls.prototype as object) as string[] | undefined) ?? [];
  return names.map((key) => {
    const name = key.replace(/^:/, '');
    const meta = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, cls.prototype as object, name) as PropertyMeta | undefined) ?? {};
    const item: SchemaObject = {
      type: meta.type === Number ? (meta.format?.startsWith('int') ? 'integer' : 'number') : meta.type === Boolean ? 'boolean' : 'string',
      ...(meta.format ? { format: meta.format } : {}),
      ...(meta.enum ? { enum: meta.enum } : {}),
      ...(meta.default !== undefined ? { default: meta.default } : {}),
    };
    return ApiQuery({
      name,
      required: meta.required !== false,
      ...(meta.description ? { description: meta.description } : {}),
      // A repeated field is sent as the name repeated (`run_ids=a&run_ids=b`), as MLflow's clients do.
      schema: meta.isArray ? { type: 'array', items: item } : item,
      ...(meta.isArray ? { style: 'form', explode: true } : {}),
    });
  });
}
