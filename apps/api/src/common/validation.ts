import { ValidationPipe, type ValidationError } from '@nestjs/common';

import { InvalidPayloadException } from './domain.exception';

function firstProblem(
  errors: ValidationError[],
  path = '',
): { field: string; message: string } {
  const error = errors[0];
  const field = path ? `${path}.${error.property}` : error.property;
  if (error.constraints) {
    return { field, message: Object.values(error.constraints)[0] };
  }
  return firstProblem(error.children ?? [], field);
}

/** Whitelist validation for every DTO: unknown fields are errors, types are enforced. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validateCustomDecorators: true,
    exceptionFactory: (errors) => {
      const { field, message } = firstProblem(errors);
      return new InvalidPayloadException(message, field);
    },
  });
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Finds a prototype-pollution key anywhere in a parsed payload (P4). */
export function findForbiddenKey(
  value: unknown,
  depth = 0,
): string | undefined {
  // typed arrays (file chunk bytes) hold numbers only: nothing to pollute, a lot to walk
  if (
    typeof value !== 'object' ||
    value === null ||
    depth > 8 ||
    ArrayBuffer.isView(value)
  ) {
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return key;
    const nested = findForbiddenKey(
      (value as Record<string, unknown>)[key],
      depth + 1,
    );
    if (nested) return `${key}.${nested}`;
  }
  return undefined;
}
