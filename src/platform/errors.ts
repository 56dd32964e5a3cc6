// Domain errors thrown by services; only platform/http maps them to status codes.

export type FieldErrors = Record<string, string[]>;

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly fields?: FieldErrors,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, fields?: FieldErrors) {
    super('validation_failed', message, fields);
  }
  static field(path: string, message: string): ValidationError {
    return new ValidationError(message, { [path]: [message] });
  }
}
export class NotFound extends DomainError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}
export class Conflict extends DomainError {
  constructor(message: string, fields?: FieldErrors) {
    super('conflict', message, fields);
  }
}
export class Unauthorized extends DomainError {
  constructor(message = 'Authentication required') {
    super('unauthorized', message);
  }
}
export class Forbidden extends DomainError {
  constructor(message = 'Your role does not allow this') {
    super('forbidden', message);
  }
}
/** Well-formed request that cannot be processed (e.g. an Idempotency-Key reused with another body). */
export class Unprocessable extends DomainError {
  constructor(message: string, fields?: FieldErrors) {
    super('unprocessable', message, fields);
  }
}
export class PayloadTooLarge extends DomainError {
  constructor(message = 'Request body too large') {
    super('payload_too_large', message);
  }
}
/** Too many attempts (e.g. the sign-in brake); retryAfterSeconds becomes the Retry-After header. */
export class TooManyRequests extends DomainError {
  constructor(
    message = 'Too many attempts; try again later',
    readonly retryAfterSeconds?: number,
  ) {
    super('rate_limited', message);
  }
}
