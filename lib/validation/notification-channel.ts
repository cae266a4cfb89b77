// Input rules for notification channels (Settings → Notifications): a webhook URL, its
// body format and the events it receives. Webhook URLs often carry their own secret
// (Slack's do), so they are validated but never echoed in messages.
import { z } from 'zod';
import { ZNotificationEventName } from '@/lib/notifications/events';
import { checkHttpUrl, singleLineName } from './form-fields';
import { blankToUndefined } from './parse';

export const CHANNEL_KINDS = ['webhook', 'slack'] as const;

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
const events = z.preprocess(
  (v) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]),
  z
    .array(ZNotificationEventName, { message: 'Choose the events this channel receives' })
    .min(1, 'Choose at least one event')
    .transform((list) => [...new Set(list)].sort()),
);

/** A checkbox: "on" when ticked, absent when not; booleans from code. */
const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean());

export const ZChannelInput = z.object({
  name,
  kind: z.enum(CHANNEL_KINDS, { message: 'Choose the format: generic JSON webhook or Slack' }),
  url,
  events,
  enabled: checkbox,
  /** updatedAt the editor saw; a mismatch means someone else saved in between. */
  expectedUpdatedAt: z.preprocess(blankToUndefined, z.iso.datetime().optional()),
});

export type TChannelInput = z.infer<typeof ZChannelInput>;

/** Ids passed to actions; a malformed one reads as "no such channel". */
export const ZChannelId = z.uuid({ message: 'This channel does not exist.' });
