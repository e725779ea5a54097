/** Eve-style errors: `{ _status: "ERR", _error: { code, message }, _issues? }`. */
import { type Issues } from '../validation';

export interface EveError {
  _status: 'ERR';
  _error: { code: number; message: string };
  _issues?: Issues;
}

export function eveError(code: number, message: string, issues?: Issues): EveError {
  return issues && Object.keys(issues).length > 0 ? { _status: 'ERR', _error: { code, message }, _issues: issues } : { _status: 'ERR', _error: { code, message } };
}

/** Thrown by handlers before they change anything; the server answers it as an Eve error. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly issues?: Issues,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get body(): EveError {
    return eveError(this.statusCode, this.message, this.issues);
  }
}

export function unprocessable(issues: Issues, message = 'The request is refused as it is.'): ApiError {
  return new ApiError(422, message, issues);
}

export function notFound(what: string): ApiError {
  return new ApiError(404, `${what} not found.`);
}
