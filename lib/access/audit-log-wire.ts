// The subset of google.cloud.audit.AuditLog that access history reads, in protobuf wire
// format. Cloud Logging returns `protoPayload` as a google.protobuf.Any whose `value` is
// the encoded AuditLog, and no package here ships audit_log.proto; the field numbers
// below are those of googleapis' google/cloud/audit/audit_log.proto. Unknown fields are
// skipped, so a fuller AuditLog decodes too. (The encoder serves the test emulator.)

export const AUDIT_LOG_TYPE_URL = 'type.googleapis.com/google.cloud.audit.AuditLog';

export type AuditLogSubset = {
  serviceName?: string;
  methodName?: string;
  resourceName?: string;
  status?: { code?: number; message?: string };
  authenticationInfo?: { principalEmail?: string; principalSubject?: string };
  requestMetadata?: { callerIp?: string; callerSuppliedUserAgent?: string };
};

// field numbers: AuditLog{service_name 7, method_name 8, resource_name 11, status 2,
// authentication_info 3, request_metadata 4}; Status{code 1, message 2};
// AuthenticationInfo{principal_email 1, principal_subject 8};
// RequestMetadata{caller_ip 1, caller_supplied_user_agent 2}.

function* fields(buf: Uint8Array): Generator<{ no: number; wire: number; value: Uint8Array | number }> {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated protobuf');
      const byte = buf[pos++];
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) yield { no, wire, value: varint() };
    else if (wire === 2) {
      const len = varint();
      if (pos + len > buf.length) throw new Error('truncated protobuf');
      yield { no, wire, value: buf.subarray(pos, pos + len) };
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error('unsupported protobuf wire type');
  }
}

const text = (v: Uint8Array | number) => (typeof v === 'number' ? '' : Buffer.from(v).toString('utf8'));

function decodeStrings<T extends Record<string, unknown>>(buf: Uint8Array, names: Record<number, keyof T>): T {
  const out: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    const name = names[f.no];
    if (name && f.wire === 2) out[name as string] = text(f.value);
  }
  return out as T;
}

/** Decodes the AuditLog subset; throws on malformed bytes. */
export function decodeAuditLog(buf: Uint8Array): AuditLogSubset {
  const out: AuditLogSubset = {};
  for (const f of fields(buf)) {
    if (f.wire === 2 && typeof f.value !== 'number') {
      if (f.no === 7) out.serviceName = text(f.value);
      else if (f.no === 8) out.methodName = text(f.value);
      else if (f.no === 11) out.resourceName = text(f.value);
      else if (f.no === 3) out.authenticationInfo = decodeStrings(f.value, { 1: 'principalEmail', 8: 'principalSubject' });
      else if (f.no === 4) out.requestMetadata = decodeStrings(f.value, { 1: 'callerIp', 2: 'callerSuppliedUserAgent' });
      else if (f.no === 2) {
        const status: { code?: number; message?: string } = {};
        for (const s of fields(f.value)) {
          if (s.no === 1 && typeof s.value === 'number') status.code = s.value;
          if (s.no === 2 && s.wire === 2) status.message = text(s.value);
        }
        out.status = status;
      }
    }
  }
  return out;
}

function varintBytes(n: number): number[] {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return bytes;
}

function lengthDelimited(no: number, payload: Uint8Array | string | undefined): number[] {
  if (payload === undefined) return [];
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return [...varintBytes(no * 8 + 2), ...varintBytes(bytes.length), ...bytes];
}

/** Encodes the AuditLog subset (the test emulator's side of the wire). */
export function encodeAuditLog(log: AuditLogSubset): Buffer {
  const auth = log.authenticationInfo
    ? Buffer.from([...lengthDelimited(1, log.authenticationInfo.principalEmail), ...lengthDelimited(8, log.authenticationInfo.principalSubject)])
    : undefined;
  const meta = log.requestMetadata
    ? Buffer.from([...lengthDelimited(1, log.requestMetadata.callerIp), ...lengthDelimited(2, log.requestMetadata.callerSuppliedUserAgent)])
    : undefined;
  const status = log.status
    ? Buffer.from([...(log.status.code ? [8, ...varintBytes(log.status.code)] : []), ...lengthDelimited(2, log.status.message)])
    : undefined;
  return Buffer.from([
    ...lengthDelimited(2, status),
    ...lengthDelimited(3, auth),
    ...lengthDelimited(4, meta),
    ...lengthDelimited(7, log.serviceName),
    ...lengthDelimited(8, log.methodName),
    ...lengthDelimited(11, log.resourceName),
  ]);
}
