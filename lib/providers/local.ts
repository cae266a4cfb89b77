// Placeholder until the local adapter lands: every call fails as 'unsupported'.
import 'server-only';
import { ProviderError } from './errors';
import type { ConnectionConfig, ConnectionTestResult, ProviderVersion, SecretProvider, WriteValueInput, WrittenVersion } from './types';

export class LocalProvider implements SecretProvider {
  readonly kind = 'local' as const;
  readonly nativeIdempotency = false;
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
