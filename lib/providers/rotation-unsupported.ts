// TEMPORARY: the rotation members of SecretProvider for adapters that do not have them
// yet. Every call fails as 'unsupported'. Removed once aws.ts and gcp.ts implement them.
import type { SecretValue } from '@/lib/secret-value';
import { ProviderError } from './errors';

export abstract class RotationUnsupported {
  readonly supportsStaging: boolean = false;
  async currentVersionId(_ref: string): Promise<string | null> {
    throw new ProviderError('unsupported');
  }
  async promote(_ref: string, _versionId: string): Promise<void> {
    throw new ProviderError('unsupported');
  }
  async retire(_ref: string, _versionId: string): Promise<void> {
    throw new ProviderError('unsupported');
  }
  async rollback(_ref: string, _p: string, _f: string, _t: string): Promise<{ currentVersionId: string }> {
    throw new ProviderError('unsupported');
  }
  async readValue(_ref: string, _versionId?: string): Promise<SecretValue> {
    throw new ProviderError('unsupported');
  }
  async startNativeRotation(_ref: string, _token: string, _lambdaArn?: string): Promise<{ versionId: string }> {
    throw new ProviderError('unsupported');
  }
  async nativeRotationStatus(_ref: string, _versionId: string): Promise<'in_progress' | 'completed' | 'failed'> {
    throw new ProviderError('unsupported');
  }
}
