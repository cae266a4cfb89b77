// The key an inventory reference and a discovered provider secret are matched by: AWS
// names (a full ARN reduced to its name), GCP secret ids (a resource name reduced to its
// id), anything else trimmed. The migration discovery_scans_and_snapshot backfilled
// secrets.provider_key with the same rule in SQL; keep the two in step.
import { awsRefName, gcpRefId } from '@/lib/access/identifiers';

export function providerKeyOf(kind: string, ref: string): string {
  if (kind === 'aws') return awsRefName(ref);
  if (kind === 'gcp') return gcpRefId(ref);
  return ref.trim();
}
