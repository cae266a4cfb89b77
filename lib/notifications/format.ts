// The bodies posted to channels: the payload itself as JSON (generic webhooks), or a
// Slack incoming-webhook message ({ text, blocks }) that reads well in a channel. Both
// come from the stored payload only, so they carry nothing the payload does not.
import type { ChannelKind } from '@/generated/prisma/enums';
import { EVENT_LABELS, type NotificationPayload } from './events';

export function genericBody(payload: NotificationPayload): string {
  return JSON.stringify(payload);
}

/** Slack wants &, < and > escaped in message text; everything else is literal. */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

type SlackText = { type: 'mrkdwn' | 'plain_text'; text: string };
export type SlackBlock = { type: 'section'; text?: SlackText; fields?: SlackText[] } | { type: 'context'; elements: SlackText[] };
export type SlackMessage = { text: string; blocks: SlackBlock[] };

export function slackMessage(payload: NotificationPayload): SlackMessage {
  const label = EVENT_LABELS[payload.event];
  const context = `${payload.test ? 'Test event · ' : ''}Secret inventory · ${payload.occurredAt}`;
  const contextBlock: SlackBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: slackEscape(context) }] };
  const { secret, run, discovery } = payload;
  if (!secret) {
    // A discovery digest: the connection, how many, and the first names.
    const connection = slackEscape(discovery?.connection ?? '');
    const count = discovery?.newUnmanaged ?? 0;
    const blocks: SlackBlock[] = [
      { type: 'section', text: { type: 'mrkdwn', text: `*${slackEscape(label)}*: <${payload.url}|${connection}> (${count} new)` } },
    ];
    if (discovery?.names.length) {
      const more = count > discovery.names.length ? `\n… and ${count - discovery.names.length} more` : '';
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${discovery.names.map(slackEscape).join('\n')}${more}` } });
    }
    blocks.push(contextBlock);
    return { text: `${slackEscape(label)}: ${connection} (${count} new)`, blocks };
  }
  const name = slackEscape(secret.name);
  const environment = slackEscape(secret.environment);
  const field = (title: string, value: string): SlackText => ({ type: 'mrkdwn', text: `*${title}*\n${slackEscape(value)}` });
  const fields = [field('Environment', secret.environment), field('Owner', secret.ownerTeam)];
  if (payload.expiresAt) fields.push(field('Expires', payload.expiresAt));
  if (run) fields.push(field('Strategy', run.strategy), field('Trigger', run.trigger), field('State', run.state));
  const { approval } = payload;
  if (approval) {
    fields.push(
      field('Asks to', approval.kind === 'rotation' ? 'rotate' : 'write a value'),
      field('Requested by', approval.requestedBy),
      field('State', approval.state),
    );
    if (approval.decidedBy) fields.push(field('Decided by', approval.decidedBy));
  }
  const blocks: SlackBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${slackEscape(label)}*: <${payload.url}|${name}> (${environment})` } },
    { type: 'section', fields },
  ];
  if (payload.reason) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Reason*\n${slackEscape(payload.reason)}` } });
  blocks.push(contextBlock);
  // `text` is the notification and fallback line; Slack shows blocks in the channel. It is
  // mrkdwn too, so a name like "<!channel>" or "<https://evil|x>" must not become markup.
  return { text: `${slackEscape(label)}: ${name} (${environment})`, blocks };
}

export function formatBody(kind: ChannelKind, payload: NotificationPayload): string {
  return kind === 'slack' ? JSON.stringify(slackMessage(payload)) : genericBody(payload);
}
