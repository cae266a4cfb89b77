// OpenTelemetry logs for audit events: an ExportLogsServiceRequest in OTLP/JSON
// (opentelemetry-proto logs/v1, JSON mapping: 64-bit integers as decimal strings, enum
// values as numbers). One resource (service.name secret-inventory), one scope, one log
// record per event: body the event as JSON, attributes its fields under audit.*.
import { field, type StreamEvent } from './events';

export const SERVICE_NAME = 'secret-inventory';
export const SCOPE_NAME = 'secret-inventory.audit';

/** SeverityNumber (logs data model): INFO 9, WARN 13, ERROR 17. */
const SEVERITY: Record<string, { number: number; text: string }> = {
  success: { number: 9, text: 'INFO' },
  denied: { number: 13, text: 'WARN' },
  failed: { number: 17, text: 'ERROR' },
};

const ATTRIBUTES: [string, string][] = [
  ['audit.seq', 'seq'],
  ['audit.id', 'id'],
  ['audit.action', 'action'],
  ['audit.outcome', 'outcome'],
  ['audit.actor.id', 'actor_id'],
  ['audit.actor.email', 'actor_email'],
  ['audit.actor.role', 'actor_role'],
  ['audit.target.type', 'target_type'],
  ['audit.target.id', 'target_id'],
  ['audit.environment', 'environment'],
  ['client.address', 'ip'],
  ['audit.request_id', 'request_id'],
  ['audit.hash', 'hash'],
  ['audit.prev_hash', 'prev_hash'],
];

const text = (value: string) => ({ stringValue: value });

export function otlpLogsRequest(events: StreamEvent[], origin: { hostname: string }) {
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: text(SERVICE_NAME) },
            { key: 'host.name', value: text(origin.hostname) },
          ],
        },
        scopeLogs: [
          {
            scope: { name: SCOPE_NAME },
            logRecords: events.map((event) => {
              const severity = SEVERITY[event.outcome] ?? { number: 9, text: 'INFO' };
              const nanos = (BigInt(event.occurredAt.getTime()) * 1_000_000n).toString();
              return {
                timeUnixNano: nanos,
                observedTimeUnixNano: nanos,
                severityNumber: severity.number,
                severityText: severity.text,
                body: text(JSON.stringify(event.record)),
                attributes: ATTRIBUTES.flatMap(([key, name]) => {
                  const value = field(event, name);
                  return value === null ? [] : [{ key, value: text(value) }];
                }),
              };
            }),
          },
        ],
      },
    ],
  };
}
