import { type ArgumentMetadata, BadRequestException, type PipeTransform, ValidationPipe, type ValidationError } from '@nestjs/common';

function flatten(errors: ValidationError[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: error.constraints?.whitelistValidation === message ? `${field} is not a known field` : message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Whitelisting DTO validation: unknown fields are refused, every problem is named with its field. */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
  exceptionFactory: (errors) => {
    const list = flatten(errors);
    return new BadRequestException({
      code: 'REQUEST.INVALID',
      message: `The request is not valid: ${list.map((e) => e.message).join('; ')}.`,
      errors: list,
    });
  },
});

/** A NUL character, or half of a surrogate pair without its other half. */
// eslint-disable-next-line no-control-regex -- the NUL character is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function unstorableField(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path || 'value' : undefined;
  if (value === null || typeof value !== 'object' || depth > 32) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    if (UNSTORABLE.test(key)) return field;
    const found = unstorableField(item, field, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Text PostgreSQL cannot store (a NUL character; an unpaired surrogate, which JSON can carry but jsonb
 * refuses) is refused as invalid before anything else looks at the request: in bodies, query strings and
 * path parameters alike. Without this the database's refusal surfaced as a 500.
 */
export const storableTextPipe: PipeTransform = {
  transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'custom') return value;
    const field = unstorableField(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
    if (field)
      throw new BadRequestException({
        code: 'REQUEST.INVALID',
        message: `The request is not valid: ${field} contains a NUL character or broken Unicode.`,
        errors: [{ field, message: 'contains a NUL character or an unpaired surrogate' }],
      });
    return value;
  },
};
