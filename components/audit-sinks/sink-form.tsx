'use client';
// Add or edit an audit sink: name, kind, endpoint, TLS options and (when adding) where the
// stream starts; an edit keeps the sink's place in the stream. Validation is the server's (lib/validation/audit-sink.ts); its per-field messages appear
// under each field and focus moves to the first one. After saving, the list shows the sink.
import type { AuditSinkKind } from '@/generated/prisma/enums';
import { useSettingsForm } from '@/components/forms/use-settings-form';
import { CodeField, SelectField, TextAreaField } from '@/components/ui/field';
import { NameField, RecordForm } from '@/components/ui/record-form';
import type { AuditSinkDetail } from '@/lib/data/audit-sinks';
import type { FieldErrors } from '@/lib/errors';
import { SINK_KIND_LABELS } from './labels';

type SaveResult = { ok: true; id: string } | { ok: false; error: string; fieldErrors?: FieldErrors };

const KIND_OPTIONS = (Object.keys(SINK_KIND_LABELS) as AuditSinkKind[]).map((value) => ({ value, label: SINK_KIND_LABELS[value] }));
const START_OPTIONS = [
  { value: 'now', label: 'From now on (events recorded after the sink is added)' },
  { value: 'beginning', label: 'From the beginning (every event still stored)' },
];

const checkboxClass = 'mt-0.5 h-4 w-4 rounded border-slate-300 text-accent-600';

export function SinkForm({ sink, action }: { sink?: AuditSinkDetail; action: (input: Record<string, string | string[]>) => Promise<SaveResult> }) {
  const form = useSettingsForm({ editing: Boolean(sink), action, pageOf: () => '/settings/audit-sinks' });
  const e = form.field;
  return (
    <RecordForm form={form} editedAt={sink?.updatedAt} createLabel="Add sink" cancelHref="/settings/audit-sinks">
      <NameField defaultValue={sink?.name} hint="How the sink appears in the list, e.g. “Splunk” or “OTel collector”." errors={e('name')} />
      <SelectField label="Kind" name="kind" required defaultValue={sink?.kind ?? ''} placeholder="Choose…" options={KIND_OPTIONS} errors={e('kind')} />
      <CodeField
        label="Endpoint"
        name="endpoint"
        required
        defaultValue={sink?.endpoint}
        placeholder="siem.example.com:6514 or https://collector.example.com:4318"
        hint="Syslog: host:port (TLS). OTLP: the collector's base URL (/v1/logs is added). Webhook: the URL posted to. Private and loopback addresses need the operator's EGRESS_ALLOW."
        errors={e('endpoint')}
      />
      <TextAreaField
        label="CA certificate (optional)"
        name="caPem"
        defaultValue={sink?.caPem ?? undefined}
        rows={4}
        className="font-mono text-xs"
        placeholder="-----BEGIN CERTIFICATE-----"
        hint="For a receiver whose certificate comes from a private CA; public CAs are trusted without it."
        errors={e('caPem')}
      />
      <CodeField
        label="TLS server name (optional)"
        name="serverName"
        defaultValue={sink?.serverName ?? undefined}
        hint="The name the receiver's certificate must carry, when it is not the endpoint's host."
        errors={e('serverName')}
      />
      {!sink && <SelectField label="Start" name="startFrom" defaultValue="now" options={START_OPTIONS} errors={e('startFrom')} />}
      <label className="flex items-start gap-2 text-sm text-slate-800">
        <input type="checkbox" name="allowPlaintext" defaultChecked={sink?.allowPlaintext} className={checkboxClass} />
        <span>
          <span className="font-medium">Allow unencrypted</span>
          <span className="text-slate-600"> — plain TCP for syslog, http:// for URLs. Only for a receiver on the same host or a trusted network.</span>
        </span>
      </label>
      <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
        <input type="checkbox" name="enabled" defaultChecked={sink?.enabled ?? true} className={checkboxClass} />
        Enabled
        <span className="font-normal text-slate-600">(a paused sink keeps its place and catches up when resumed)</span>
      </label>
    </RecordForm>
  );
}
