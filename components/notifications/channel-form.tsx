'use client';
// Create or edit a notification channel: name, body format, URL, the events it receives
// and whether it is on. Validation is the server's (lib/validation/notification-channel.ts);
// its per-field messages appear under each field and focus moves to the first one.
import type { ChannelKind } from '@/generated/prisma/enums';
import { useSettingsForm } from '@/components/forms/use-settings-form';
import { CodeField, SelectField } from '@/components/ui/field';
import { NameField, RecordForm } from '@/components/ui/record-form';
import type { FieldErrors } from '@/lib/errors';
import { EVENT_LABELS, NOTIFICATION_EVENTS, type NotificationEventName } from '@/lib/notifications/events';
import { CHANNEL_KIND_LABELS } from './labels';

export type ChannelFormValues = {
  id: string;
  name: string;
  kind: ChannelKind;
  url: string;
  events: NotificationEventName[];
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
  'secret.compromised': 'someone marks a secret compromised',
  'secret.leak_found': 'a leak check finds a current or previous value of a secret (once per secret and scan; never the value)',
  'approval.requested': 'someone asks for a second person’s approval to write a value or rotate (two-person rule)',
  'approval.decided': 'a request for approval is approved or refused',
  'discovery.new_unmanaged': 'a discovery scan finds provider secrets that are new and not in the inventory (one message per scan)',
};

export function ChannelForm({
  channel,
  action,
  cancelHref,
}: {
  channel?: ChannelFormValues;
  action: (input: Record<string, string | string[]>) => Promise<SaveResult>;
  cancelHref: string;
}) {
  const form = useSettingsForm({
    editing: Boolean(channel),
    action,
    pageOf: (id) => `/settings/notifications/${id}`,
  });
  const e = form.field;
  const eventErrors = e('events');

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
        hint="Slack gets a readable message; anything else gets the event as JSON."
        errors={e('kind')}
      />
      <CodeField
        label="Webhook URL"
        name="url"
        type="url"
        required
        defaultValue={channel?.url}
        placeholder="https://hooks.slack.com/services/…"
        hint="Posted to exactly as written; redirects are not followed. Private and loopback addresses need the operator's EGRESS_ALLOW. Keep it private: whoever has a Slack webhook URL can post to the channel."
        errors={e('url')}
      />
      <fieldset aria-describedby={eventErrors?.length ? 'field-events-error' : undefined}>
        <legend className="text-sm font-medium text-slate-800">
          Events
          <span className="text-red-700" aria-hidden>
            {' '}
            *
          </span>
        </legend>
        <div className="mt-2 space-y-2">
          {NOTIFICATION_EVENTS.map((event) => (
            <label key={event} className="flex items-start gap-2 text-sm text-slate-800">
              <input
                type="checkbox"
                name="events"
                value={event}
                data-multiple
                defaultChecked={channel ? channel.events.includes(event) : true}
                aria-invalid={eventErrors?.length ? true : undefined}
                className="mt-0.5 h-4 w-4 rounded border-slate-300 text-accent-600"
              />
              <span>
                <span className="font-medium">{EVENT_LABELS[event]}</span>
                <span className="text-slate-600"> — {EVENT_HINTS[event]}</span>
              </span>
            </label>
          ))}
        </div>
        {eventErrors?.length ? (
          <p id="field-events-error" className="mt-1 text-sm text-red-700">
            {eventErrors.join(' ')}
          </p>
        ) : null}
      </fieldset>
      <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
        <input type="checkbox" name="enabled" defaultChecked={channel ? channel.enabled : true} className="h-4 w-4 rounded border-slate-300 text-accent-600" />
        Enabled
        <span className="font-normal text-slate-600">(a disabled channel receives nothing but test events)</span>
      </label>
    </RecordForm>
  );
}
