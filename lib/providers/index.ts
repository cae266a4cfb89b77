// Picks the adapter for a connection. The only place that knows all three.
import 'server-only';
import { env } from '@/lib/env';
import { instrumentProvider } from '@/lib/metrics/providers';
import { AwsSecretsManagerProvider } from './aws';
import { GcpSecretManagerProvider } from './gcp';
import { LocalProvider } from './local';
import type { ConnectionConfig, SecretProvider } from './types';

export interface ProviderOptions {
  /** Per-call deadline; a provider that has not answered by then fails with 'timeout'. */
  timeoutMs?: number;
  /** The provider connection's id: the metrics label of its calls (lib/metrics/providers.ts). */
  connectionId?: string;
}

/** The adapter for `config`, its calls timed for the metrics. */
export function providerFor(config: ConnectionConfig, options: ProviderOptions = {}): SecretProvider {
  return instrumentProvider(adapterFor(config, options.timeoutMs ?? env().PROVIDER_TIMEOUT_MS), options.connectionId ?? config.kind);
}

function adapterFor(config: ConnectionConfig, timeoutMs: number): SecretProvider {
  switch (config.kind) {
    case 'aws':
      return new AwsSecretsManagerProvider(config, { timeoutMs });
    case 'gcp':
      return new GcpSecretManagerProvider(config, { timeoutMs });
    case 'local':
      return new LocalProvider();
  }
}
