// One batch to one sink, in the sink's format. Resolves once the sink acknowledged it
// (syslog: written and closed cleanly; OTLP and webhook: a 2xx); throws otherwise.
import 'server-only';
import { hostname } from 'node:os';
import { systemClock } from '@/lib/clock';
import { auditSinkSigningKey, SIGNATURE_HEADER, signatureHeader } from '@/lib/notifications/signing';
import type { StreamEvent } from './events';
import { postJson } from './http-post';
import { otlpLogsRequest } from './otlp-format';
import { octetCounted, syslogMessage } from './syslog-format';
import { sendSyslog } from './syslog-transport';

export type SinkTarget = {
  id: string;
  kind: 'syslog' | 'otlp' | 'webhook';
  endpoint: string;
  allowPlaintext: boolean;
  caPem: string | null;
  serverName: string | null;
};

/** Header naming the batch's seq range on webhook posts, so a receiver can spot repeats without parsing. */
export const SEQ_RANGE_HEADER = 'X-Secret-Inventory-Seq-Range';

export async function sendBatch(sink: SinkTarget, events: StreamEvent[], timeoutMs: number): Promise<void> {
  const origin = { hostname: hostname(), procId: String(process.pid) };
  // Signature timestamps are wall-clock time: receivers compare them with their own clocks.
  const now = systemClock.now();
  if (sink.kind === 'syslog') {
    return sendSyslog(
      sink,
      events.map((event) => octetCounted(syslogMessage(event, origin))),
      timeoutMs,
    );
  }
  if (sink.kind === 'otlp') {
    const body = JSON.stringify(otlpLogsRequest(events, origin));
    return postJson(`${sink.endpoint.replace(/\/+$/, '')}/v1/logs`, {}, body, timeoutMs, now);
  }
  const body = JSON.stringify({ events: events.map((e) => e.record) });
  const headers = {
    [SIGNATURE_HEADER]: signatureHeader(auditSinkSigningKey(sink.id), body, Math.floor(now.getTime() / 1000)),
    [SEQ_RANGE_HEADER]: `${events[0]?.seq ?? 0}-${events.at(-1)?.seq ?? 0}`,
  };
  return postJson(sink.endpoint, headers, body, timeoutMs, now);
}
