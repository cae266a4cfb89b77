// Placeholder until the aws adapter lands: every call fails as 'unsupported'.
import 'server-only';
import { ProviderError } from './errors';
import type { ConnectionConfig, ConnectionTestResult, ProviderVersion, SecretProvider, WriteValueInput, WrittenVersion } from './types';

export class AwsSecretsManagerProvider implements SecretProvider {
  readonly kind = 'aws' as const;
  readonly nativeIdempotency = false;
  constructor(
    readonly config: Extract<ConnectionConfig, { kind: 'aws' }>,
    readonly options: { timeoutMs: number },
  ) {}
  async testConnection(): Promise<ConnectionTestResult> {
    return { ok: false, code: 'unsupported', message: 'Not implemented yet.' };
  }
  async writeValue(_input: WriteValueInput): Promise<WrittenVersion> {
    throw new ProviderError('unsupported');
  }
  async listVersions(_ref: string): Promise<ProviderVersion[]> {
    throw new ProviderError('unsupported');
  }
  async setVersionEnabled(): Promise<void> {
    throw new ProviderError('unsupported');
  }
  async moveLabel(): Promise<void> {
    throw new ProviderError('unsupported');
  }
}
