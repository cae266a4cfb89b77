'use server';
import { z } from 'zod';
import { runAction } from '@/lib/action';
import { setScanInterval, startScan } from '@/lib/data/discovery-scans';
import { setFingerprintBackfill, startFingerprintBackfill } from '@/lib/data/fingerprint-backfill';
import { ZConnectionId } from '@/lib/validation/provider-connection';

export async function startScanAction(connectionId: unknown) {
  return runAction(ZConnectionId, connectionId, async (caller, id) => {
    await startScan(caller, id);
    return {};
  });
}

// The form's fields as sent; the data layer parses the interval (ZScanInterval).
export async function setScanIntervalAction(connectionId: unknown, input: unknown) {
  return runAction(z.tuple([ZConnectionId, z.record(z.string(), z.unknown())]), [connectionId, input], (caller, [id, fields]) =>
    setScanInterval(caller, id, fields),
  );
}

export async function setFingerprintBackfillAction(connectionId: unknown, enabled: unknown) {
  return runAction(z.tuple([ZConnectionId, z.boolean()]), [connectionId, enabled], async (caller, [id, on]) => {
    await setFingerprintBackfill(caller, id, on);
    return {};
  });
}

export async function startFingerprintBackfillAction(connectionId: unknown) {
  return runAction(ZConnectionId, connectionId, async (caller, id) => {
    await startFingerprintBackfill(caller, id);
    return {};
  });
}
