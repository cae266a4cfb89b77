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

type Digest = NonNullable<NotificationPayload['digest']>;

/** "3 overdue, 5 due soon: Payments" (a count that is zero is left out). */
function digestHeadline(digest: Digest): string {
  const counts = [digest.overdue ? `${digest.overdue} overdue` : '', digest.dueSoon ? `${digest.dueSoon} due soon` : ''].filter(Boolean);
  return `${counts.join(', ')}: ${digest.route}`;
}

/** How many secrets the digest counts but does not list. */
const digestMore = (digest: Digest) => digest.overdue + digest.dueSoon - digest.items.length;

/** One listed secret's line: what, where, whose, and when it is (or was) due. */
const digestLine = (item: Digest['items'][number]) =>
  `${item.overdue ? 'Overdue' : 'Due'} ${item.dueAt.slice(0, 10)}: ${item.name} (${item.environment}), ${item.ownerTeam}`;

function digestSlack(payload: NotificationPayload, digest: Digest, contextBlock: SlackBlock): SlackMessage {
  const headline = slackEscape(digestHeadline(digest));
  const more = digestMore(digest) > 0 ? `\n… and ${digestMore(digest)} more` : '';
  // Slack caps a section's text at 3,000 characters: the list is split into sections of 10.
  const sections: SlackBlock[] = [];
  for (let i = 0; i < digest.items.length; i += 10) {
    const lines = digest.items.slice(i, i + 10).map((item) => slackEscape(digestLine(item)));
    sections.push({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } });
  }
  if (more) sections.push({ type: 'section', text: { type: 'mrkdwn', text: more.trim() } });
  return {
    text: `${slackEscape(EVENT_LABELS[payload.event])}: ${headline}`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*<${payload.url}|${headline}>*` } }, ...sections, contextBlock],
  };
}

export function slackMessage(payload: NotificationPayload): SlackMessage {
  const label = EVENT_LABELS[payload.event];
  const context = `${payload.test ? 'Test event · ' : ''}Secret inventory · ${payload.occurredAt}`;
  const contextBlock: SlackBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: slackEscape(context) }] };
  const { secret, run, discovery, digest } = payload;
  if (digest) return digestSlack(payload, digest, contextBlock);
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
  if (payload.stragglers?.length) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Still on the old value*\n${payload.stragglers.map(slackEscape).join('\n')}` } });
  }
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
  if (payload.stragglers?.length) facts.push(['Still on the old value', payload.stragglers.join(', ')]);
  facts.push(['When', payload.occurredAt]);
  return facts;
}

const htmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Header lines cannot carry line breaks (they would start a new header). */
const oneLine = (text: string) => text.replace(/[\r\n\t]+/g, ' ');

export type EmailBody = { subject: string; text: string; html: string };

const footer = 'Sent by the secret inventory. This message describes a secret; it never contains a secret value.';

function digestEmail(payload: NotificationPayload, digest: Digest): EmailBody {
  const headline = digestHeadline(digest);
  const more = digestMore(digest) > 0 ? `… and ${digestMore(digest)} more` : '';
  const text = [
    `${EVENT_LABELS[payload.event]} for ${digest.day}: ${headline}`,
    '',
    ...digest.items.map(digestLine),
    ...(more ? [more] : []),
    '',
    `Open the Rotation page: ${payload.url}`,
    '',
    footer,
  ].join('\n');
  const cell = (value: string) => `<td style="padding:2px 12px 2px 0">${htmlEscape(value)}</td>`;
  const head = ['Secret', 'Environment', 'Owner', 'Due', 'State'].map((h) => `<th align="left" style="padding:2px 12px 2px 0">${h}</th>`).join('');
  const rows = digest.items
    .map((i) => `<tr>${cell(i.name)}${cell(i.environment)}${cell(i.ownerTeam)}${cell(i.dueAt.slice(0, 10))}${cell(i.overdue ? 'Overdue' : 'Due soon')}</tr>`)
    .join('');
  const html =
    `<!doctype html><html><body style="font-family:sans-serif;color:#0f172a">` +
    `<h1 style="font-size:18px">${htmlEscape(headline)}</h1>` +
    `<table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>` +
    (more ? `<p>${htmlEscape(more)}</p>` : '') +
    `<p><a href="${htmlEscape(payload.url)}">Open the Rotation page</a></p>` +
    `<p style="color:#475569;font-size:12px">${htmlEscape(footer)}</p></body></html>`;
  return { subject: oneLine(headline).slice(0, 250), text, html };
}

export function emailMessage(payload: NotificationPayload): EmailBody {
  if (payload.digest) return digestEmail(payload, payload.digest);
  const label = EVENT_LABELS[payload.event];
  const about = payload.secret ? `${payload.secret.name} (${payload.secret.environment})` : (payload.discovery?.connection ?? '');
  const subject = oneLine(`${payload.test ? '[Test] ' : ''}${label}: ${about}`).slice(0, 250);
  const facts = emailFacts(payload);
  const names = payload.discovery?.names ?? [];
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
