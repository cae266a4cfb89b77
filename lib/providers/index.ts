// Picks the adapter for a connection. The only place that knows all three.
import 'server-only';
import { env } from '@/lib/env';
import { AwsSecretsManagerProvider } from './aws';
import { GcpSecretManagerProvider } from './gcp';
import { LocalProvider } from './local';
import type { ConnectionConfig, SecretProvider } from './types';

export interface ProviderOptions {
  /** Per-call deadline; a provider that has not answered by then fails with 'timeout'. */
  timeoutMs?: number;
}

export function providerFor(config: ConnectionConfig, options: ProviderOptions = {}): SecretProvider {
  const timeoutMs = options.timeoutMs ?? env().PROVIDER_TIMEOUT_MS;
  switch (config.kind) {
    case 'aws':
      return new AwsSecretsManagerProvider(config, { timeoutMs });
    case 'gcp':
      return new GcpSecretManagerProvider(config, { timeoutMs });
    case 'local':
      return new LocalProvider();
  }
}
