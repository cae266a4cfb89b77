// Provider call latency and errors per connection, measured at the one place every adapter
// is made (lib/providers/index.ts providerFor): each method of the adapter that returns a
// promise is timed, labelled by the connection, the provider kind, the method and the
// outcome (ok, or the ProviderError code; never a message, which may name a secret).
// Counted in this process's memory: the app and each worker report their own calls.
import 'server-only';
import { ProviderError } from '@/lib/providers/errors';
import type { SecretProvider } from '@/lib/providers/types';
import { client, singleMetric } from './registry';

const durations = () =>
  singleMetric(
    'secret_inventory_provider_call_duration_seconds',
    () =>
      new client.Histogram({
        name: 'secret_inventory_provider_call_duration_seconds',
        help: 'Secret provider calls (AWS, GCP, local) by connection, method and outcome (ok or the error code)',
        labelNames: ['connection', 'kind', 'method', 'outcome'],
        buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      }),
  );

const errors = () =>
  singleMetric(
    'secret_inventory_provider_call_errors_total',
    () =>
      new client.Counter({
        name: 'secret_inventory_provider_call_errors_total',
        help: 'Secret provider calls that failed, by connection, method and error code',
        labelNames: ['connection', 'kind', 'method', 'code'],
      }),
  );

/** What a failed call counts as: the provider error's code, else 'unexpected'. */
const outcomeOf = (error: unknown) => (error instanceof ProviderError ? error.code : 'unexpected');

/** `provider` with every asynchronous method timed under `connection` (a connection id, or the kind when there is none). */
export function instrumentProvider<P extends SecretProvider>(provider: P, connection: string): P {
  return new Proxy(provider, {
    get(target, property) {
      // The adapter itself as `this` (its private fields are not reachable through the proxy).
      const member = Reflect.get(target, property);
      if (typeof member !== 'function' || typeof property !== 'string') return member;
      return (...args: unknown[]) => {
        const result = member.apply(target, args);
        if (!(result instanceof Promise)) return result;
        const labels = { connection, kind: target.kind, method: property };
        const end = durations().startTimer(labels);
        return result.then(
          (value) => {
            end({ outcome: 'ok' });
            return value;
          },
          (error: unknown) => {
            const code = outcomeOf(error);
            end({ outcome: code });
            errors().inc({ ...labels, code });
            throw error;
          },
        );
      };
    },
  });
}
