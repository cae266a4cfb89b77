'use server';
import { z } from 'zod';
import { runAction } from '@/lib/action';
import { createSink, deleteSink, sendSinkTest, setSinkEnabled, updateSink } from '@/lib/data/audit-sinks';
import { ZAuditSinkId, ZAuditSinkInput } from '@/lib/validation/audit-sink';

export async function createSinkAction(input: unknown) {
  return runAction(ZAuditSinkInput, input, (caller, sink) => createSink(caller, sink));
}

// The sink's cursor stays: an edit neither skips nor repeats events (lib/data/audit-sinks.ts updateSink).
export async function updateSinkAction(sinkId: unknown, input: unknown) {
  return runAction(z.tuple([ZAuditSinkId, ZAuditSinkInput]), [sinkId, input], (caller, [id, sink]) => updateSink(caller, id, sink));
}

export async function pauseSinkAction(sinkId: unknown) {
  return runAction(ZAuditSinkId, sinkId, (caller, id) => setSinkEnabled(caller, id, false));
}

export async function resumeSinkAction(sinkId: unknown) {
  return runAction(ZAuditSinkId, sinkId, (caller, id) => setSinkEnabled(caller, id, true));
}

export async function deleteSinkAction(sinkId: unknown) {
  return runAction(ZAuditSinkId, sinkId, (caller, id) => deleteSink(caller, id));
}

// `ok` is runAction's (did the request work); `sent` is whether the sink took the test event.
export async function sendSinkTestAction(sinkId: unknown) {
  return runAction(ZAuditSinkId, sinkId, async (caller, id) => {
    const outcome = await sendSinkTest(caller, id);
    return { sent: outcome.ok, error: outcome.error };
  });
}
