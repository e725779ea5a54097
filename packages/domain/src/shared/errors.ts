/**
 * Refusals carry a stable code (`CASE.NOT_OVERDUE`) and a kind that the API maps to an HTTP status:
 * - `rule`: a business rule refuses the command (422)
 * - `conflict`: the current state does not allow it (409)
 * - `not_found`: the thing does not exist (404)
 * - `invalid`: the command itself is malformed (400)
 */
export type RefusalKind = 'rule' | 'conflict' | 'not_found' | 'invalid';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: RefusalKind,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const refuse = {
  rule: (code: string, message: string, details?: Record<string, unknown>) => new DomainError(code, 'rule', message, details),
  conflict: (code: string, message: string, details?: Record<string, unknown>) =>
    new DomainError(code, 'conflict', message, details),
  notFound: (code: string, message: string) => new DomainError(code, 'not_found', message),
  invalid: (code: string, message: string, details?: Record<string, unknown>) =>
    new DomainError(code, 'invalid', message, details),
};

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
