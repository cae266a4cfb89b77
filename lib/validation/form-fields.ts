// Form fields that several settings and catalog forms share, so each is worded and
// checked the same way wherever it appears.
import { z } from 'zod';

// Names show up in selects, tables and audit history: one line, no control characters.
const NO_CONTROL_RE = /^[^\p{Cc}]*$/u;

/** A required display name of at most `max` characters on one line. */
export const singleLineName = (max: number) =>
  z
    .string({ message: 'Enter a name' })
    .trim()
    .min(1, 'Enter a name')
    .max(max, `Names are at most ${max} characters`)
    .regex(NO_CONTROL_RE, 'Names must be a single line of text');

/**
 * Parses a full http(s) URL without a user name or password before the host; each refusal
 * is an issue on the field, worded for it (`messages`). Returns the URL when it passed,
 * for checks of the field's own.
 */
export function checkHttpUrl(text: string, ctx: z.RefinementCtx, messages: { protocol: string; credentials: string }): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'Enter a full URL starting with https:// or http://' });
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    ctx.addIssue({ code: 'custom', message: messages.protocol });
    return undefined;
  }
  if (url.username || url.password) {
    ctx.addIssue({ code: 'custom', message: messages.credentials });
    return undefined;
  }
  return url;
}
