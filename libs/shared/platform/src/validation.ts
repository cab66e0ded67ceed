import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidatorOptions } from 'class-validator';
import { ApiError, isMlflowPath } from './errors';
import { MLFLOW_REQUIRED, MLFLOW_TYPE, mlflowFieldKinds, mlflowFromQuery } from './mlflow-fields';
import { mlflowMissing, mlflowWrongType, pythonJsonDumps } from './mlflow-request';
import { currentContext } from './request-context';

/**
 * One sentence per wrong field, naming the field by its path in the input (`grants[0].permission`)
 * and saying what is wrong; the validator's rule names and the rejected value never appear.
 */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const path = pathOf(parent, e.property);
    const messages = Object.entries(e.constraints ?? {});
    if (messages.some(([rule]) => rule === 'whitelistValidation')) out.push(`Unknown field '${path}'.`);
    else if (messages.length > 0 && e.value === undefined) out.push(`Missing value for required field '${path}'.`);
    else if (messages.length > 0) out.push(`Field '${path}' ${plain(mainProblem(messages), e.property)}.`);
    if (e.children?.length) out.push(...describeValidationErrors(e.children, path));
  }
  return out;
}

/** A field's path in the input: `grants[0].permission`. */
function pathOf(parent: string, property: string): string {
  return parent === '' ? property : /^\d+$/.test(property) ? `${parent}[${property}]` : `${parent}.${property}`;
}

/** The first field that failed, walking the message in declaration order as MLflow's schema check does. */
function firstFailure(errors: ValidationError[], parent = ''): { path: string; error: ValidationError } | undefined {
  for (const e of inDeclarationOrder(errors)) {
    const path = pathOf(parent, e.property);
    if (Object.keys(e.constraints ?? {}).length > 0) return { path, error: e };
    const inner = firstFailure(e.children ?? [], path);
    if (inner) return inner;
  }
  return undefined;
}

/**
 * A failure in MLflow's words (`_validate_param_against_schema`, `_assert_required`), for the first
 * field that failed, as MLflow reports one: a wrong type quotes the value and Python's name for its
 * type, a missing required field says so, and a bound the domain sets says which (decision 041).
 */
export function mlflowValidationMessage(errors: ValidationError[]): string {
  const first = firstFailure(errors);
  if (!first) return 'Invalid request.';
  const { path, error } = first;
  const constraints = error.constraints ?? {};
  const value: unknown = error.value;
  const element = (bad: (x: unknown) => boolean) => {
    const i = Array.isArray(value) ? value.findIndex(bad) : -1;
    return i < 0 ? mlflowWrongType(path, value) : mlflowWrongType(`${path}[${i}]`, (value as unknown[])[i]);
  };
  if (MLFLOW_TYPE in constraints) {
    const kind = (error.contexts?.[MLFLOW_TYPE] as { kind?: string } | undefined)?.kind;
    if (kind === 'repeated-string') return element((x) => typeof x !== 'string');
    if (kind === 'repeated-message') return element((x) => typeof x !== 'object' || x === null || Array.isArray(x));
    return mlflowWrongType(path, value);
  }
  if (MLFLOW_REQUIRED in constraints) return mlflowMissing(path);
  if ('nestedValidation' in constraints) return element((x) => typeof x !== 'object' || x === null || Array.isArray(x));
  const [message] = Object.values(constraints);
  return message.replaceAll('{path}', path).replaceAll('{json}', pythonJsonDumps(value));
}

/**
 * class-validator lists a class's own fields before those it inherits; MLflow's messages list a
 * base message's fields (`run_id`) first, as the request classes declare them.
 */
function inDeclarationOrder(errors: ValidationError[]): ValidationError[] {
  const kinds = mlflowFieldKinds((errors[0]?.target as object | undefined)?.constructor);
  if (!kinds) return errors;
  const order = Object.keys(kinds);
  const rank = (e: ValidationError) => {
    const i = order.indexOf(e.property);
    return i < 0 ? order.length : i;
  };
  return [...errors].sort((a, b) => rank(a) - rank(b));
}

/** Whether the request being validated is on an MLflow path, which answers in MLflow's dialect. */
function onMlflowPath(): boolean {
  const path = currentContext()?.path;
  return path !== undefined && isMlflowPath(path.split('?')[0]);
}

/** A failed validation worded for the caller: MLflow's message on MLflow paths, decision 040's sentences elsewhere. */
export function validationFailureForRequest(errors: ValidationError[]): ApiError {
  return onMlflowPath() ? new ApiError(400, 'INVALID_PARAMETER_VALUE', mlflowValidationMessage(errors)) : validationFailure(errors);
}

/**
 * The platform's pipe. On MLflow paths unknown fields are dropped, not refused (MLflow ignores
 * unknown JSON fields, and newer clients send fields older servers lack); an MLflow request class
 * read from a query string is read as MLflow reads query text (`mlflowFromQuery`).
 */
class PlatformValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const message = mlflowFieldKinds(metadata.metatype) !== undefined;
    // MLflow reads no body (a DELETE without one) as the empty message; a JSON array is valid JSON
    // but no message, refused in the words of decision 030's reader.
    const given = message && metadata.type === 'body' && (value === undefined || value === null) ? {} : value;
    if (message && metadata.type === 'body' && (typeof given !== 'object' || Array.isArray(given))) {
      throw new ApiError(400, 'INVALID_PARAMETER_VALUE', 'Request body must be a JSON object');
    }
    const read =
      message && metadata.type === 'query' && typeof given === 'object' && given !== null ? mlflowFromQuery(given as Record<string, unknown>, mlflowFieldKinds(metadata.metatype) ?? {}) : given;
    return super.transform(read, metadata);
  }

  protected override validate(object: object, options?: ValidatorOptions) {
    return super.validate(object, onMlflowPath() ? { ...options, forbidNonWhitelisted: false } : options);
  }
}

/** A value of the wrong kind fails every rule; its kind (`isString`, `isInt`, `isIn`, ...) is what to tell. */
function mainProblem(messages: [string, string][]): string {
  return (messages.find(([rule]) => /^is[A-Z]/.test(rule)) ?? messages[0])[1];
}

/** The validator's sentence starts with the bare property name ("name must be a string"); the path replaces it. */
function plain(message: string, property: string): string {
  const rest = message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
  if (/nested property \S+ must be either object or array$/.test(message)) return message.startsWith('each value') ? 'must be a list of objects' : 'must be an object';
  return rest.replace(/\.$/, '');
}

/** A failed validation as the platform's coded error: a 400 the error filter writes in the caller's dialect. */
export function validationFailure(errors: ValidationError[]): ApiError {
  const sentences = describeValidationErrors(errors);
  return new ApiError(400, 'INVALID_PARAMETER_VALUE', sentences.length > 0 ? sentences.join(' ') : 'The request is not valid.');
}

/**
 * The one ValidationPipe of every service, registered globally by PlatformModule (`APP_PIPE`):
 * class-validator DTOs for bodies and queries, unknown fields refused, and DTO classes built
 * (`transform`) so a query DTO's `@Transform` turns strings into numbers. MLflow request classes
 * (`mlflow-fields.ts`) are worded and read as MLflow's (decision 041). Parameters typed as plain
 * strings or records are passed through untouched, so the hot paths' hand-written reader (decision
 * 030) sees the request exactly as before.
 */
export function platformValidationPipe(): ValidationPipe {
  return new PlatformValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Only what a DTO declares is converted: no implicit string-to-number guesses.
    transformOptions: { enableImplicitConversion: false },
    // The target (never sent) tells an MLflow request's declaration order (`inDeclarationOrder`).
    validationError: { target: true, value: true },
    exceptionFactory: validationFailureForRequest,
  });
}
