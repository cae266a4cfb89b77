export function missingReplicaKeys(env?: Record<string, string | undefined>): string[];
export function refuseWithoutReplicaKeys(who: string, env?: Record<string, string | undefined>): void;
