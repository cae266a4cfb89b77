// The one way server actions run: resolve the caller, parse the raw arguments with the
// action's declared zod schema (a bad shape is the usual InputError result, field errors
// included), call the data layer (which checks permission and validates again when called
// from elsewhere), and turn the outcome into a small result. Results carry ids and
// messages only, never rows and never input values. A secret value is never an argument
// the schema parses: actions read it with enteredValue (lib/validation/secret-value.ts)
// and hand it on as-is for the data layer to wrap in a SecretValue.
import 'server-only';
import { z } from 'zod';
import type { Caller } from '@/lib/auth/caller';
import { getCaller } from '@/lib/auth/session';
import { isDatabaseUnreachable, noteFailedRequest } from '@/lib/db-outage';
import { ForbiddenError, InputError, NotFoundError, QueryTimeoutError, type FieldErrors } from '@/lib/errors';
import { log } from '@/lib/log';
import { ProviderError } from '@/lib/providers/errors';
import { parseArgs } from '@/lib/validation/parse';

type Scalar = string | number | boolean | null;
export type ActionFailure = { ok: false; error: string; fieldErrors?: FieldErrors };
export type ActionResult<T extends Record<string, Scalar> = Record<never, never>> = ({ ok: true } & T) | ActionFailure;

/** The schema of an action that takes no arguments. */
export const NO_INPUT = z.tuple([]);

/**
 * `schema` declares the action's arguments: one argument's schema, or a z.tuple for
 * several (`runAction(z.tuple([ZTeamId, ZTeamInput]), [teamId, input], ...)`); `raw` is
 * what the browser sent. `work` gets the parsed input.
 */
export async function runAction<S extends z.ZodType, T extends Record<string, Scalar>>(
  schema: S,
  raw: unknown,
  work: (caller: Caller, input: z.output<S>) => Promise<T>,
  // The second-factor enrolment actions pass getEnrolmentCaller: the one place a session
  // still held to enrolment counts as signed in.
  resolveCaller: () => Promise<Caller> = getCaller,
): Promise<ActionResult<T>> {
  const caller = await resolveCaller();
  try {
    return { ok: true, ...(await work(caller, parseArgs(schema, raw))) };
  } catch (error) {
    return failureOf(error, caller);
  }
}

/**
 * Like runAction, for the rare action whose answer is a DTO built for the browser (the
 * CSV import preview: line numbers, capped names and messages). Never pass it rows or
 * anything that could hold a secret value.
 */
export async function runActionWithData<S extends z.ZodType, T>(
  schema: S,
  raw: unknown,
  work: (caller: Caller, input: z.output<S>) => Promise<T>,
): Promise<{ ok: true; data: T } | ActionFailure> {
  const caller = await getCaller();
  try {
    return { ok: true, data: await work(caller, parseArgs(schema, raw)) };
  } catch (error) {
    return failureOf(error, caller);
  }
}

export function failureOf(error: unknown, caller: Caller): ActionFailure {
  if (error instanceof InputError) return { ok: false, error: error.message, fieldErrors: error.fieldErrors };
  if (error instanceof ForbiddenError || error instanceof NotFoundError) return { ok: false, error: error.message };
  if (error instanceof QueryTimeoutError) {
    log.warn('database statement timed out', { requestId: caller.request.requestId });
    return { ok: false, error: error.message };
  }
  // Counted in the outage log (lib/db-outage.ts), not logged one by one. Recognised by its
  // digest, not instanceof: Next bundles lib/errors once per layer, so the class an action
  // catches need not be the one the database client threw.
  if (isDatabaseUnreachable(error)) {
    noteFailedRequest(error);
    return { ok: false, error: 'The database cannot be reached, so nothing was changed. Try again in a moment.' };
  }
  // Provider messages are written by our adapters (never the SDK's), so they are safe to show.
  if (error instanceof ProviderError) {
    log.warn('provider call failed', { requestId: caller.request.requestId, code: error.code, providerCode: error.providerCode });
    return { ok: false, error: error.message };
  }
  const requestId = caller.request.requestId;
  log.error('action failed', { requestId, error });
  return {
    ok: false,
    error: `Something went wrong on our side and nothing was changed.${requestId ? ` Reference: ${requestId}` : ''}`,
  };
}
