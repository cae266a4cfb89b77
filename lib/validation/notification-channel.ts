// Input rules for notification channels (Settings → Notifications): a webhook URL and its
// body format, or email recipients; the events it receives; and its routing (teams,
// environments, classifications; none ticked means all). Webhook URLs often carry their own
// secret (Slack's do), so they are validated but never echoed in messages.
import { z } from 'zod';
import { ZNotificationEventName } from '@/lib/notifications/events';
import { checkHttpUrl, singleLineName } from './form-fields';
import { blankToUndefined } from './parse';
import { CLASSIFICATIONS } from './secret';

export const CHANNEL_KINDS = ['webhook', 'slack', 'email'] as const;

/** Most recipients one email channel may have (a list address scales better). */
export const MAX_RECIPIENTS = 50;

const name = singleLineName(100);

const url = z
  .string({ message: 'Enter the webhook URL' })
  .trim()
  .min(1, 'Enter the webhook URL')
  .max(2000, 'The URL is at most 2,000 characters')
  .superRefine((text, ctx) => {
    const parsed = checkHttpUrl(text, ctx, {
      protocol: 'The URL must start with https:// or http://',
      credentials: 'Put credentials in the URL path or query the receiver expects, not before the host',
    });
    if (parsed?.hash) ctx.addIssue({ code: 'custom', message: 'The URL must not contain a # fragment (it is never sent)' });
  });

/** A checkbox group: absent (nothing ticked), one value, or several. */
const checkboxGroup = (v: unknown) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]);
const sortedUnique = <T extends string>(list: T[]) => [...new Set(list)].sort();

const events = z.preprocess(
  checkboxGroup,
  z
    .array(ZNotificationEventName, { message: 'Choose the events this channel receives' })
    .min(1, 'Choose at least one event')
    .transform((list) => [...new Set(list)].sort()),
);

/** A checkbox: "on" when ticked, absent when not; booleans from code. */
const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean());

const isEmail = (text: string) => z.email().max(254).safeParse(text).success;

/** Recipients as typed (one per line, or separated by commas) or as a list from code. Each
 *  bad entry is named alone, shortened: the message quotes nothing else that was typed. */
const recipients = z.preprocess(
  (v) => (Array.isArray(v) ? v.join('\n') : (v ?? '')),
  z
    .string()
    .max(20_000, 'The recipient list is too long')
    .transform((text, ctx) => {
      const list = text
        .split(/[\s,;]+/)
        .map((entry) => entry.trim())
        .filter(Boolean);
      for (const entry of list) {
        if (!isEmail(entry)) ctx.addIssue({ code: 'custom', message: `Not an email address: ${entry.length > 60 ? `${entry.slice(0, 60)}…` : entry}` });
      }
      const unique = [...new Set(list.map((entry) => entry.toLowerCase()))];
      if (unique.length > MAX_RECIPIENTS) ctx.addIssue({ code: 'custom', message: `At most ${MAX_RECIPIENTS} recipients (use a list address)` });
      return unique;
    }),
);

const ids = (message: string) => z.preprocess(checkboxGroup, z.array(z.uuid({ message })).max(500).transform(sortedUnique));
const classifications = z.preprocess(checkboxGroup, z.array(z.enum(CLASSIFICATIONS, { message: 'Unknown classification' })).transform(sortedUnique));

export const ZChannelInput = z
  .object({
    name,
    kind: z.enum(CHANNEL_KINDS, { message: 'Choose the format: generic JSON webhook, Slack or email' }),
    // Which of these two applies depends on the kind; the other is ignored (below).
    url: z.preprocess(blankToUndefined, url.optional()),
    recipients,
    events,
    teamIds: ids('Choose teams from the list'),
    environmentIds: ids('Choose environments from the list'),
    classifications,
    /** Due and overdue as one daily digest instead of one notice per secret. */
    dueDigest: checkbox,
    enabled: checkbox,
    /** updatedAt the editor saw; a mismatch means someone else saved in between. */
    expectedUpdatedAt: z.preprocess(blankToUndefined, z.iso.datetime().optional()),
  })
  .superRefine((input, ctx) => {
    if (input.kind === 'email' && input.recipients.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['recipients'], message: 'Enter at least one recipient' });
    }
    if (input.kind !== 'email' && !input.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'Enter the webhook URL' });
  })
  .transform(({ url, recipients, ...input }) =>
    input.kind === 'email' ? { ...input, url: null, recipients } : { ...input, url: url ?? null, recipients: [] as string[] },
  );

export type TChannelInput = z.infer<typeof ZChannelInput>;

/** Ids passed to actions; a malformed one reads as "no such channel". */
export const ZChannelId = z.uuid({ message: 'This channel does not exist.' });
