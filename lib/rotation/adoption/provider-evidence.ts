// PLACEHOLDER until the provider evidence lands (helper branch i18-evidence): no evidence,
// so provider secrets keep the timed grace period.
import 'server-only';
import type { AdoptionRun, DeclaredConsumer, Observation } from './types';

export async function providerObservations(_run: AdoptionRun, _declared: DeclaredConsumer[]): Promise<Observation[]> {
  return [];
}
