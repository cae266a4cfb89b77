// The bodies sent to channels: the payload itself as JSON (generic webhooks), a Slack
// incoming-webhook message ({ text, blocks }) that reads well in a channel, or an email
// (subject, plain text and simple HTML). All come from the stored payload only, so they
// carry nothing the payload does not.
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

/** The facts an email lists, in order: what the Slack fields show, as plain pairs. */
function emailFacts(payload: NotificationPayload): [string, string][] {
  const { secret, run, approval, discovery } = payload;
  const facts: [string, string][] = [];
  if (secret) facts.push(['Secret', secret.name], ['Environment', secret.environment], ['Owner', secret.ownerTeam]);
  if (discovery) facts.push(['Connection', discovery.connection], ['New unmanaged secrets', String(discovery.newUnmanaged)]);
  if (payload.expiresAt) facts.push(['Expires', payload.expiresAt]);
  if (run) facts.push(['Strategy', run.strategy], ['Trigger', run.trigger], ['State', run.state]);
  if (approval) {
    facts.push(['Asks to', approval.kind === 'rotation' ? 'rotate' : 'write a value'], ['Requested by', approval.requestedBy], ['State', approval.state]);
    if (approval.decidedBy) facts.push(['Decided by', approval.decidedBy]);
  }
  if (payload.reason) facts.push(['Reason', payload.reason]);
  facts.push(['When', payload.occurredAt]);
  return facts;
}

const htmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Header lines cannot carry line breaks (they would start a new header). */
const oneLine = (text: string) => text.replace(/[\r\n\t]+/g, ' ');

export type EmailBody = { subject: string; text: string; html: string };

export function emailMessage(payload: NotificationPayload): EmailBody {
  const label = EVENT_LABELS[payload.event];
  const about = payload.secret ? `${payload.secret.name} (${payload.secret.environment})` : (payload.discovery?.connection ?? '');
  const subject = oneLine(`${payload.test ? '[Test] ' : ''}${label}: ${about}`).slice(0, 250);
  const facts = emailFacts(payload);
  const names = payload.discovery?.names ?? [];
  const footer = 'Sent by the secret inventory. This message describes a secret; it never contains a secret value.';
  const text = [
    `${label}: ${about}`,
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    ...(names.length ? ['', 'First names found:', ...names.map((n) => `  ${n}`)] : []),
    '',
    `Open in the dashboard: ${payload.url}`,
    '',
    footer,
  ].join('\n');
  const rows = facts.map(([k, v]) => `<tr><th align="left" style="padding:2px 12px 2px 0">${htmlEscape(k)}</th><td>${htmlEscape(v)}</td></tr>`).join('');
  const list = names.length ? `<p>First names found:</p><ul>${names.map((n) => `<li>${htmlEscape(n)}</li>`).join('')}</ul>` : '';
  const html =
    `<!doctype html><html><body style="font-family:sans-serif;color:#0f172a">` +
    `<h1 style="font-size:18px">${htmlEscape(label)}: ${htmlEscape(about)}</h1>` +
    `<table>${rows}</table>${list}` +
    `<p><a href="${htmlEscape(payload.url)}">Open in the dashboard</a></p>` +
    `<p style="color:#475569;font-size:12px">${htmlEscape(footer)}</p></body></html>`;
  return { subject, text, html };
}

export function formatBody(kind: ChannelKind, payload: NotificationPayload): string {
  return kind === 'slack' ? JSON.stringify(slackMessage(payload)) : genericBody(payload);
}
