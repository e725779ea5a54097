/**
 * What can go wrong talking to the partner, in three kinds the caller acts on differently:
 * - refused: the partner answered and said no; repeating the same request will not help (permanent).
 * - unavailable: the partner could not be reached or asked us to come back later (transient).
 * - protocol: the partner answered something that is not the contract; not our request's fault, so
 *   it is worth trying again later (transient), but someone should look at it.
 * Every message is a sentence a person can read in a log or an operator's screen.
 */
export abstract class PartnerError extends Error {
  abstract readonly permanent: boolean;
  /** 'POST /case--registrations', for the log. */
  readonly operation: string;

  protected constructor(message: string, operation: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.operation = operation;
  }
}

export class PartnerRefusedError extends PartnerError {
  readonly permanent = true;
  /** The HTTP status (200 for an answer with `status: "error"`). */
  readonly httpStatus: number;
  /** The partner's own explanation (its `_error.message`, or its messages joined). */
  readonly partnerMessage: string;
  /** Field path → problem, as the partner's `_issues`. */
  readonly issues: Readonly<Record<string, string>>;
  /** The partner's messages, for answers with `status: "error"`. */
  readonly messages: readonly string[];

  constructor(details: {
    operation: string;
    httpStatus: number;
    partnerMessage: string;
    issues?: Record<string, string>;
    messages?: readonly string[];
  }) {
    const issues = details.issues ?? {};
    const issueText = Object.entries(issues)
      .map(([field, problem]) => `${field}: ${problem}`)
      .join('; ');
    super(
      `The collection partner refused ${details.operation} (${details.httpStatus}): ${details.partnerMessage}` +
        (issueText ? ` (${issueText})` : '') +
        '.',
      details.operation,
    );
    this.httpStatus = details.httpStatus;
    this.partnerMessage = details.partnerMessage;
    this.issues = issues;
    this.messages = details.messages ?? [];
  }
}

export type UnavailableReason = 'circuit_open' | 'timeout' | 'network' | 'http_status';

export class PartnerUnavailableError extends PartnerError {
  readonly permanent = false;
  readonly reason: UnavailableReason;
  /** Requests actually sent (0 when the circuit was open from the start). */
  readonly attempts: number;
  readonly httpStatus: number | undefined;

  constructor(details: { operation: string; reason: UnavailableReason; attempts: number; detail: string; httpStatus?: number; cause?: unknown }) {
    super(
      details.reason === 'circuit_open'
        ? `The collection partner is treated as unavailable for ${details.operation}: ${details.detail}; try again later.`
        : `The collection partner could not be reached for ${details.operation} after ${details.attempts} attempt(s): ${details.detail}.`,
      details.operation,
      { cause: details.cause },
    );
    this.reason = details.reason;
    this.attempts = details.attempts;
    this.httpStatus = details.httpStatus;
  }
}

export class PartnerProtocolError extends PartnerError {
  readonly permanent = false;
  /** What did not match, e.g. 'capital.remaining: not an amount of money: 1.005 has more than two decimals'. */
  readonly problem: string;
  readonly attempts: number;
  readonly httpStatus: number | undefined;

  constructor(details: { operation: string; problem: string; attempts: number; httpStatus?: number }) {
    super(
      `The collection partner's answer to ${details.operation} does not match the contract (after ${details.attempts} attempt(s)): ${details.problem}.`,
      details.operation,
    );
    this.problem = details.problem;
    this.attempts = details.attempts;
    this.httpStatus = details.httpStatus;
  }
}

export function isPartnerError(error: unknown): error is PartnerError {
  return error instanceof PartnerError;
}

/**
 * Whether a refusal says the case is already closed at the partner. The contract gives no error code
 * for it (it comes as `status: "error"` with HTTP 200, or as a 409/422), so the partner's words are
 * read; a 409 alone is not enough, since a dispute or a respite conflicts too. Whether "already
 * closed" is fine (closing a closed case) or not (reporting a payment on it) is the caller's call.
 */
export function isAlreadyClosed(error: unknown): boolean {
  if (!(error instanceof PartnerRefusedError)) return false;
  const text = [error.partnerMessage, ...error.messages, ...Object.values(error.issues)].join(' ');
  return /\bclosed\b|avslutad|avslutat|stängd/i.test(text);
}
