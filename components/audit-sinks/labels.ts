// Words for audit sinks, shared by the settings pages (kept apart from lib/validation so
// client components need not import zod).
import type { AuditSinkKind } from '@/generated/prisma/enums';

export const SINK_KIND_LABELS: Record<AuditSinkKind, string> = {
  syslog: 'Syslog (RFC 5424, TCP/TLS)',
  otlp: 'OpenTelemetry logs (OTLP/HTTP JSON)',
  webhook: 'Signed webhook (JSON batches)',
};

export const STREAM_NOTE =
  'Every audit event is sent to each enabled sink in chain order, at least once, and resumed from the last acknowledged event after an outage. Events carry metadata only, never a secret value.';

/** "12 events behind, oldest 3 min ago" or "Up to date". */
export function describeLag(lagEvents: number, lagSeconds: number): string {
  if (lagEvents === 0) return 'Up to date';
  const age = lagSeconds < 90 ? `${Math.round(lagSeconds)} s` : lagSeconds < 5400 ? `${Math.round(lagSeconds / 60)} min` : `${Math.round(lagSeconds / 3600)} h`;
  return `${lagEvents.toLocaleString('en')} ${lagEvents === 1 ? 'event' : 'events'} behind, oldest ${age} ago`;
}
