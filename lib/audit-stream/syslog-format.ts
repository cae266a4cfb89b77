// RFC 5424 syslog messages for audit events, framed by octet counting (RFC 6587 §3.4.1,
// the framing RFC 5425 prescribes for TLS): "<length> <message>".
//
//   <PRI>1 TIMESTAMP HOSTNAME secret-inventory PROCID MSGID [audit@32473 seq="…" …] BOM{json}
//
// PRI is facility 13 (log audit) * 8 + severity by outcome (success 6 informational,
// denied 4 warning, failed 3 error). MSGID is the action. The structured data carries the
// event's fields (values escaped per §6.3.3); MSG is the whole event as JSON (UTF-8, BOM).
// 32473 is the documentation enterprise number (RFC 5612): the SD-ID is ours, not IANA's.
import { field, type StreamEvent } from './events';

export const APP_NAME = 'secret-inventory';
export const SD_ID = 'audit@32473';
const FACILITY_LOG_AUDIT = 13;
const SEVERITY: Record<string, number> = { success: 6, denied: 4, failed: 3 };

/** The structured-data parameters, in this order: name -> the record's field. */
const SD_PARAMS: [string, string][] = [
  ['seq', 'seq'],
  ['id', 'id'],
  ['action', 'action'],
  ['outcome', 'outcome'],
  ['actorId', 'actor_id'],
  ['actorEmail', 'actor_email'],
  ['actorRole', 'actor_role'],
  ['targetType', 'target_type'],
  ['targetId', 'target_id'],
  ['environment', 'environment'],
  ['ip', 'ip'],
  ['requestId', 'request_id'],
  ['hash', 'hash'],
];

/** §6.3.3: inside PARAM-VALUE, '"', '\' and ']' are escaped with a backslash. */
export const escapeParamValue = (value: string) => value.replace(/["\\\]]/g, (c) => `\\${c}`);

/** A header field: printable US-ASCII without spaces, at most `max` characters, or the nil value "-". */
function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean === '' ? '-' : clean;
}

export type SyslogOrigin = { hostname: string; procId: string };

export function syslogMessage(event: StreamEvent, origin: SyslogOrigin): string {
  const pri = FACILITY_LOG_AUDIT * 8 + (SEVERITY[event.outcome] ?? 5);
  const params = SD_PARAMS.flatMap(([name, key]) => {
    const value = field(event, key);
    return value === null ? [] : [`${name}="${escapeParamValue(value)}"`];
  });
  const header = [
    `<${pri}>1`,
    event.occurredAt.toISOString(),
    headerField(origin.hostname, 255),
    APP_NAME,
    headerField(origin.procId, 128),
    headerField(event.action, 32),
  ].join(' ');
  return `${header} [${[SD_ID, ...params].join(' ')}] \uFEFF${JSON.stringify(event.record)}`;
}

/** Octet counting: the message's length in bytes, a space, the message. */
export const octetCounted = (message: string) => `${Buffer.byteLength(message, 'utf8')} ${message}`;
