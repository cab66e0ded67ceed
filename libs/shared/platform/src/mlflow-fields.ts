import 'reflect-metadata';
import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { ValidateBy, ValidateNested, ValidationArguments, ValidationOptions } from 'class-validator';

/*
 * MLflow's request messages as class-validator DTOs (decision 041): protobuf's JSON mapping for the
 * types, as the hand-written reader of decision 030 has them (a string field takes only a JSON
 * string; int64 a number or a decimal string within ±2^53; double a number, a numeric string or
 * "NaN"/"Infinity"/"-Infinity"; bool true or false; an enum its name or its number; a repeated field
 * a JSON array), unset meaning absent or null. The constraints carry names, not MLflow's sentences:
 * the platform pipe words a failure in MLflow's terms on MLflow paths (`mlflowValidationMessage`)
 * and in decision 040's plain sentences elsewhere.
 */

/** Constraint names the MLflow wording keys on. */
export const MLFLOW_REQUIRED = 'mlflowRequired';
export const MLFLOW_TYPE = 'mlflowType';

/** What a field is, which is all a query string needs to be read as the message (`mlflowFromQuery`). */
export type MlflowFieldKind = 'string' | 'int64' | 'double' | 'bool' | 'enum' | 'repeated' | 'message';

const FIELD_KINDS = Symbol('custos:mlflow-field-kinds');

/** The fields of an MLflow request class, its parents' included; undefined for any other class. */
export function mlflowFieldKinds(cls: unknown): Readonly<Record<string, MlflowFieldKind>> | undefined {
  return typeof cls === 'function' ? (Reflect.getMetadata(FIELD_KINDS, cls) as Record<string, MlflowFieldKind> | undefined) : undefined;
}

function recordKind(kind: MlflowFieldKind): PropertyDecorator {
  return (target, property) => {
    const cls = target.constructor;
    const own = (Reflect.getOwnMetadata(FIELD_KINDS, cls) as Record<string, MlflowFieldKind> | undefined) ?? { ...mlflowFieldKinds(cls) };
    own[String(property)] = kind;
    Reflect.defineMetadata(FIELD_KINDS, own, cls);
  };
}

export interface MlflowFieldOptions {
  /** MLflow's `_assert_required`: absent, null and "" are all missing. */
  required?: boolean;
}

const INT64 = /^\s*-?\d+\s*$/;
const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
const NON_FINITE: Record<string, number> = { NaN: NaN, nan: NaN, Infinity: Infinity, inf: Infinity, '+inf': Infinity, '-Infinity': -Infinity, '-inf': -Infinity };

export function isUnset(v: unknown): v is null | undefined {
  return v === undefined || v === null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Protobuf has no null: an unset field reads as absent, so `"tags": null` is no tags. */
const unsetIsAbsent = Transform(({ value }: { value: unknown }) => (value === null ? undefined : value));

function required(options: MlflowFieldOptions): PropertyDecorator[] {
  if (!options.required) return [];
  return [ValidateBy({ name: MLFLOW_REQUIRED, validator: { validate: (v) => !isUnset(v) && v !== '', defaultMessage: () => '$property is required' } })];
}

/** The field's type check; unset always passes (presence is `required`'s business), and so does "" on a required field. */
function typed(kind: string, accepts: (v: unknown) => boolean, plain: string, options: MlflowFieldOptions = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: MLFLOW_TYPE,
      validator: { validate: (v) => isUnset(v) || (options.required === true && v === '') || accepts(v), defaultMessage: () => `$property ${plain}` },
    },
    { context: { kind } } satisfies ValidationOptions,
  );
}

function field(kind: MlflowFieldKind, options: MlflowFieldOptions, ...decorators: PropertyDecorator[]): PropertyDecorator {
  return applyDecorators(recordKind(kind), unsetIsAbsent, ...decorators, ...required(options));
}

/** A protobuf `string`: only a JSON string. */
export function MlflowString(options: MlflowFieldOptions = {}): PropertyDecorator {
  return field(
    'string',
    options,
    typed('string', (v) => typeof v === 'string', 'must be a string', options),
  );
}

/** A decimal string becomes its number when it stays exact; past `max` the value stays as sent, to be refused as sent. */
function toInt64(v: unknown, max: number): unknown {
  const n = typeof v === 'string' && INT64.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n <= max ? n : v;
}

export interface MlflowInt64Options extends MlflowFieldOptions {
  /**
   * A ceiling MLflow's request schema sets (`_assert_less_than_or_equal`), refused with the schema's
   * type message quoting the value as sent; the number is the domain library's constant.
   */
  max?: number;
}

/** A protobuf `int64`: a JSON number or a decimal string (protobuf's JSON mapping), within ±2^53 so no digit is lost. */
export function MlflowInt64(options: MlflowInt64Options = {}): PropertyDecorator {
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  return field(
    'int64',
    options,
    Transform(({ value }: { value: unknown }) => toInt64(value, max)),
    typed('int64', (v) => typeof v === 'number' && Number.isSafeInteger(v) && v <= max, 'must be a whole number', options),
  );
}

/** A double as the client sends it: a number, a numeric string, or a non-finite value by name. */
export function toMlflowDouble(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  if (v in NON_FINITE) return NON_FINITE[v];
  return NUMERIC.test(v) ? Number(v) : v;
}

/** A protobuf `double`: a number, a numeric string, or "NaN", "Infinity", "-Infinity". */
export function MlflowDouble(options: MlflowFieldOptions = {}): PropertyDecorator {
  return field(
    'double',
    options,
    Transform(({ value }: { value: unknown }) => toMlflowDouble(value)),
    typed('double', (v) => typeof v === 'number', 'must be a number', options),
  );
}

/** A protobuf `bool`: true or false (a query's "true"/"false" is read by `mlflowFromQuery`). */
export function MlflowBool(options: MlflowFieldOptions = {}): PropertyDecorator {
  return field(
    'bool',
    options,
    typed('bool', (v) => typeof v === 'boolean', 'must be true or false', options),
  );
}

/**
 * A protobuf enum: its name, or its number (protobuf's JSON mapping takes either), handed on as text
 * (`2` becomes "2"). Which names exist is the domain's parser's to say, in MLflow's words.
 */
export function MlflowEnum(options: MlflowFieldOptions = {}): PropertyDecorator {
  return field(
    'enum',
    options,
    Transform(({ value }: { value: unknown }) => (typeof value === 'number' && Number.isInteger(value) ? String(value) : value)),
    typed('enum', (v) => typeof v === 'string', 'must be a name or a number', options),
  );
}

/**
 * A repeated field: a JSON array (on GET, the parameter repeated) of strings, or of the message
 * `of` names, each validated as its class. Unset is the empty list.
 */
export function MlflowRepeated(of: StringConstructor | (() => new () => object), options: MlflowFieldOptions = {}): PropertyDecorator {
  if (of === String) {
    return field(
      'repeated',
      options,
      typed('repeated-string', (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'), 'must be a list of strings'),
    );
  }
  const cls = of as () => new () => object;
  return field(
    'repeated',
    options,
    typed('repeated-message', (v) => Array.isArray(v) && v.every(isObject), 'must be a list of objects'),
    ValidateNested({ each: true }),
    Type(cls),
  );
}

/** A nested message (e.g. a dataset input's `dataset`): a JSON object validated as its class. */
export function MlflowMessage(of: () => new () => object, options: MlflowFieldOptions = {}): PropertyDecorator {
  return field('message', options, typed('message', isObject, 'must be an object'), ValidateNested(), Type(of));
}

/**
 * A bound the domain sets (decision 041: the limit is the domain library's constant, never restated),
 * counted in code points as Python's len() counts, refused in the reader's words.
 */
export function MlflowMaxLength(max: number): PropertyDecorator {
  return ValidateBy({
    name: 'mlflowMaxLength',
    validator: {
      validate: (v) => typeof v !== 'string' || [...v].length <= max,
      defaultMessage: () => `'{path}' exceeds the maximum length of ${max} characters`,
    },
  });
}

/**
 * Presence alone, MLflow's `_assert_required`, for a field whose type a custom check (`MlflowCheck`)
 * states; `kind` is how a query string reads it.
 */
export function MlflowRequired(kind: MlflowFieldKind = 'string'): PropertyDecorator {
  return field(kind, { required: true });
}

/**
 * A check of MLflow's that is none of the above (a field spelt two ways, an id sent as a number or
 * text): `message` may name the field as `{path}` and quote the value as `{json}`.
 */
export function MlflowCheck(name: string, validate: (value: unknown, object: Record<string, unknown>) => boolean, message: string): PropertyDecorator {
  return ValidateBy({ name, validator: { validate: (v, args?: ValidationArguments) => validate(v, (args?.object ?? {}) as Record<string, unknown>), defaultMessage: () => message } });
}

/**
 * `run_id`, which MLflow's clients also send as the legacy `run_uuid`: one of the two must be set.
 * A `run_uuid` of the wrong type is left to that field's own check, as the reader did.
 */
export function MlflowRunId(): PropertyDecorator {
  return applyDecorators(
    recordKind('string'),
    unsetIsAbsent,
    typed('string', (v) => typeof v === 'string', 'must be a string'),
    ValidateBy({
      name: MLFLOW_REQUIRED,
      validator: {
        validate: (v, args?: ValidationArguments) => {
          if (!isUnset(v) && v !== '') return true;
          const alias = (args?.object as { run_uuid?: unknown } | undefined)?.run_uuid;
          return (typeof alias === 'string' && alias !== '') || (!isUnset(alias) && typeof alias !== 'string');
        },
        defaultMessage: () => '$property is required',
      },
    }),
  );
}

/**
 * A GET request's query parameters read as the message (MLflow's wire convention): every parameter
 * is text, so a repeated field takes one value as a one-element list, a single field that is
 * repeated counts once (MLflow takes the first), "true"/"false" are booleans, and an empty int64 is
 * unset. Numbers from digit strings are the decorators' own conversion, as in a JSON body.
 */
export function mlflowFromQuery(query: Record<string, unknown>, kinds: Readonly<Record<string, MlflowFieldKind>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(query)) {
    const kind = kinds[name];
    if (kind === 'repeated') {
      out[name] = typeof raw === 'string' ? [raw] : raw;
      continue;
    }
    const v = Array.isArray(raw) ? (raw as unknown[])[0] : raw;
    if (kind === 'bool' && typeof v === 'string' && /^(true|false)$/i.test(v)) out[name] = v.toLowerCase() === 'true';
    else if (kind === 'int64' && v === '') out[name] = undefined;
    else out[name] = v;
  }
  return out;
}
