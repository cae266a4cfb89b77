// Errors the data layer throws on purpose. Their messages are written for the person
// at the form and never include input values (which could be a pasted secret).

export type FieldErrors = Record<string, string[]>;

export class ForbiddenError extends Error {
  constructor(message = 'You do not have permission to do that.') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends Error {
  constructor(message = 'Not found.') {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** Bad input: a message for the form and, where known, one per field. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly fieldErrors: FieldErrors = {},
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** An InputError whose refusal the thrower already recorded in the audit trail (callers do not record it again). */
export class AuditedInputError extends InputError {
  constructor(message: string, fieldErrors: FieldErrors = {}) {
    super(message, fieldErrors);
    this.name = 'AuditedInputError';
  }
}

/**
 * Bad input that conflicts with what is stored: a stale edit (someone saved after the form
 * was opened) or a name already taken. Forms show it like any InputError; the REST API
 * answers it with 409 rather than 400.
 */
export class ConflictError extends InputError {
  constructor(message: string, fieldErrors: FieldErrors = {}) {
    super(message, fieldErrors);
    this.name = 'ConflictError';
  }
}

/** The server is at its limit for this kind of work; the person should try again shortly. */
export class BusyError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'BusyError';
  }
}

/**
 * A database statement ran past the statement timeout (lib/db.ts) and PostgreSQL cancelled
 * it. Thrown instead of the driver's error, so every caller sees one clear message.
 */
export class QueryTimeoutError extends Error {
  constructor(seconds: number) {
    super(`The database took longer than ${seconds} s to answer, so the request was stopped. Narrow the filters or try again later.`);
    this.name = 'QueryTimeoutError';
  }
}

/** Prisma's unique-constraint violation, recognised without importing its runtime. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}

/**
 * The digest every "database unreachable" error carries. In production Next replaces a
 * Server Component error's message with a generic one and keeps only `digest` (it respects
 * a digest the error already has: next/dist/server/app-render/create-error-handler.js),
 * so this fixed value is how an error boundary in the browser tells an outage from a bug
 * without any detail of the cause reaching it.
 */
export const DATABASE_UNAVAILABLE_DIGEST = 'DATABASE_UNAVAILABLE';

/** The database cannot be reached (lib/db-outage.ts decides); thrown instead of the driver's error. */
export class DatabaseUnavailableError extends Error {
  readonly digest = DATABASE_UNAVAILABLE_DIGEST;
  constructor() {
    super('The database cannot be reached. Try again in a moment.');
    this.name = 'DatabaseUnavailableError';
  }
}
