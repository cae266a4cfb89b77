export function serverNodeFlags(env?: { NODE_OPTIONS?: string }): string[];
