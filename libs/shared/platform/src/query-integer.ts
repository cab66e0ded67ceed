import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/**
 * A whole number carried in a query string or path segment, where every value is text: only plain
 * digits become a number, so `-1`, `1.5`, `1e3`, `x` and a repeated parameter stay as given and
 * are refused with one plain sentence naming the accepted range.
 */
export function QueryInteger(range: { min: number; max?: number }): PropertyDecorator {
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const message = `$property must be a whole number from ${range.min} to ${max}`;
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,20}$/.test(value) ? Number(value) : value)),
    IsInt({ message }),
    Min(range.min, { message }),
    Max(max, { message }),
  );
}
