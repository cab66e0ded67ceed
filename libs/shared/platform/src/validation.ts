import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError } from './errors';

/**
 * One sentence per wrong field, naming the field by its path in the input (`grants[0].permission`)
 * and saying what is wrong; the validator's rule names and the rejected value never appear.
 */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const path = parent === '' ? e.property : /^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`;
    const messages = Object.entries(e.constraints ?? {});
    if (messages.some(([rule]) => rule === 'whitelistValidation')) out.push(`Unknown field '${path}'.`);
    else if (messages.length > 0 && e.value === undefined) out.push(`Missing value for required field '${path}'.`);
    else if (messages.length > 0) out.push(`Field '${path}' ${plain(mainProblem(messages), e.property)}.`);
    if (e.children?.length) out.push(...describeValidationErrors(e.children, path));
  }
  return out;
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
 * (`transform`) so a query DTO's `@Transform` turns strings into numbers. Parameters typed as plain
 * strings or records are passed through untouched, so MLflow's hand-written readers (decision 030)
 * see the request exactly as before.
 */
export function platformValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Only what a DTO declares is converted: no implicit string-to-number guesses.
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: true },
    exceptionFactory: validationFailure,
  });
}
