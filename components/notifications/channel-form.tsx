'use client';
// Create or edit a notification channel: name, format (a webhook URL, or email recipients),
// the events it receives, its routing (teams, environments, classifications) and whether it
// is on. Validation is the server's (lib/validation/notification-channel.ts); its
// per-field messages appear under each field and focus moves to the first one.
import { useState } from 'react';
import type { ChannelKind, Classification } from '@/generated/prisma/enums';
import { useSettingsForm } from '@/components/forms/use-settings-form';
import { CLASSIFICATION_LABELS } from '@/components/inventory/labels';
import { Alert } from '@/components/ui/alert';
import { CodeField, SelectField, TextAreaField } from '@/components/ui/field';
import { NameField, RecordForm } from '@/components/ui/record-form';
import type { ChannelFormOptions } from '@/lib/data/notification-channels';
import type { FieldErrors } from '@/lib/errors';
import { EVENT_LABELS, NOTIFICATION_EVENTS, type NotificationEventName } from '@/lib/notifications/events';
import { CheckboxGroup } from './checkbox-group';
import { CHANNEL_KIND_LABELS } from './labels';

export type ChannelFormValues = {
  id: string;
  name: string;
  kind: ChannelKind;
  url: string | null;
  recipients: string[];
  events: NotificationEventName[];
  teamIds: string[];
  environmentIds: string[];
  classifications: Classification[];
  dueDigest: boolean;
  enabled: boolean;
  updatedAt: string;
};

type SaveResult = { ok: true; id: string } | { ok: false; error: string; fieldErrors?: FieldErrors };

const KIND_OPTIONS = (Object.keys(CHANNEL_KIND_LABELS) as ChannelKind[]).map((value) => ({ value, label: CHANNEL_KIND_LABELS[value] }));

const EVENT_HINTS: Record<NotificationEventName, string> = {
  'rotation.due_soon': 'a secret falls due within its reminder lead time',
  'rotation.overdue': 'a secret is past its rotation date',
  'secret.expiring': "a secret's credential expires within its reminder lead time (once per expiry date)",
  'rotation.started': 'a rotation run starts (by hand, on schedule or in an emergency)',
  'rotation.completed': 'a rotation run completes',
  'rotation.failed': 'a rotation run fails, with the reason',
  'rotation.grace_ended': 'the previous version is retired after the grace period',
  'rotation.held': 'a grace period ends with consumers still on the old value and the policy holds the retirement (names them)',
  'secret.compromised': 'someone marks a secret compromised',
  'secret.leak_found': 'a leak check finds a current or previous value of a secret (once per secret and scan; never the value)',
  'approval.requested': 'someone asks for a second person’s approval to write a value or rotate (two-person rule)',
  'approval.decided': 'a request for approval is approved or refused',
  'discovery.new_unmanaged': 'a discovery scan finds provider secrets that are new and not in the inventory (one message per scan)',
};

const CLASSIFICATION_OPTIONS = (Object.keys(CLASSIFICATION_LABELS) as Classification[]).map((value) => ({ value, label: CLASSIFICATION_LABELS[value] }));

export function ChannelForm({
  channel,
  options,
  action,
  cancelHref,
}: {
  channel?: ChannelFormValues;
  /** Teams and environments to route to; whether the server has a mail server (SMTP_URL). */
  options: ChannelFormOptions;
  action: (input: Record<string, string | string[]>) => Promise<SaveResult>;
  cancelHref: string;
}) {
  const form = useSettingsForm({
    editing: Boolean(channel),
    action,
    pageOf: (id) => `/settings/notifications/${id}`,
  });
  const e = form.field;
  const [kind, setKind] = useState<string>(channel?.kind ?? '');
  const toOptions = (list: { id: string; name: string }[]) => list.map((item) => ({ value: item.id, label: item.name }));

  return (
    <RecordForm form={form} editedAt={channel?.updatedAt} createLabel="Create channel" cancelHref={cancelHref}>
      <NameField defaultValue={channel?.name} hint="How the channel appears in lists, e.g. “#security-alerts” or “PagerDuty”." errors={e('name')} />
      <SelectField
        label="Format"
        name="kind"
        required
        defaultValue={channel?.kind ?? ''}
        placeholder={channel ? undefined : 'Choose…'}
        options={KIND_OPTIONS}
        onChange={(event) => setKind(event.target.value)}
        hint="Slack gets a readable message, email a short message to each recipient; anything else gets the event as JSON."
        errors={e('kind')}
      />
      {kind === 'email' ? (
        <>
          {!options.emailConfigured && (
            <Alert tone="info">This server has no mail server configured (SMTP_URL), so email cannot be sent yet. Ask the operator to set it.</Alert>
          )}
          <TextAreaField
            label="Recipients"
            name="recipients"
            required
            rows={4}
            defaultValue={channel?.recipients.join('\n')}
            placeholder={'security-team@example.com\nalice@example.com'}
            hint="One address per line (or separated by commas). Each gets the message with the others visible in To. The mail server is the operator's (SMTP_URL); its password is never stored here."
            errors={e('recipients')}
          />
        </>
      ) : (
        <CodeField
          label="Webhook URL"
          name="url"
          type="url"
          required
          defaultValue={channel?.url ?? undefined}
          placeholder="https://hooks.slack.com/services/…"
          hint="Posted to exactly as written; redirects are not followed. Private and loopback addresses need the operator's EGRESS_ALLOW. Keep it private: whoever has a Slack webhook URL can post to the channel."
          errors={e('url')}
        />
      )}
      <CheckboxGroup
        legend="Events"
        name="events"
        required
        errors={e('events')}
        checked={(event) => (channel ? channel.events.includes(event as NotificationEventName) : true)}
        options={NOTIFICATION_EVENTS.map((event) => ({
          value: event,
          label: (
            <>
              <span className="font-medium">{EVENT_LABELS[event]}</span>
              <span className="text-slate-600"> — {EVENT_HINTS[event]}</span>
            </>
          ),
        }))}
      />
      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold text-slate-900">Due and overdue</legend>
        {[
          { value: 'each', label: 'Each notice as it happens', hint: 'one message per secret and due date' },
          {
            value: 'digest',
            label: 'One daily digest',
            hint: 'one message a day (07:00 UTC) listing the route’s due and overdue secrets; nothing when none are',
          },
        ].map((option) => (
          <label key={option.value} className="flex items-start gap-2 text-sm text-slate-800">
            <input
              type="radio"
              name="dueDigest"
              value={option.value === 'digest' ? 'on' : 'off'}
              defaultChecked={(option.value === 'digest') === (channel?.dueDigest ?? false)}
              className="mt-0.5 h-4 w-4 border-slate-300 text-accent-600"
            />
            <span>
              <span className="font-medium">{option.label}</span>
              <span className="text-slate-600"> — {option.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset className="space-y-4 rounded-md border border-slate-200 p-4">
        <legend className="px-1 text-sm font-semibold text-slate-900">Route</legend>
        <p className="text-sm text-slate-600">
          Send only events about secrets that match every list where something is ticked; a list with nothing ticked matches all. A channel with any route gets
          no discovery events (they are about a provider connection, not a team’s secret). Test events always arrive.
        </p>
        <CheckboxGroup
          legend="Teams"
          name="teamIds"
          scroll
          hint="The secret’s owner team. E.g. tick one team for its lead’s due and overdue reminders."
          errors={e('teamIds')}
          checked={(id) => channel?.teamIds.includes(id) ?? false}
          options={toOptions(options.teams)}
        />
        <CheckboxGroup
          legend="Environments"
          name="environmentIds"
          errors={e('environmentIds')}
          checked={(id) => channel?.environmentIds.includes(id) ?? false}
          options={toOptions(options.environments)}
        />
        <CheckboxGroup
          legend="Classifications"
          name="classifications"
          errors={e('classifications')}
          checked={(value) => channel?.classifications.includes(value as Classification) ?? false}
          options={CLASSIFICATION_OPTIONS}
        />
      </fieldset>
      <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
        <input type="checkbox" name="enabled" defaultChecked={channel ? channel.enabled : true} className="h-4 w-4 rounded border-slate-300 text-accent-600" />
        Enabled
        <span className="font-normal text-slate-600">(a disabled channel receives nothing but test events)</span>
      </label>
    </RecordForm>
  );
}
