export function assertLocalDatabase(url: string): void;
export const TEST_RUNTIME_ROLE: { name: string; password: string };
export const TEST_PURGE_ROLE: { name: string; password: string };
export type RoleUrls = { url: string; runtimeUrl: string; purgeUrl: string };
export function roleUrls(ownerUrl: string): RoleUrls;
export function createTemplate(serverUrl: string): Promise<string>;
export function cloneTemplate(serverUrl: string, template: string, prefix?: string): Promise<RoleUrls & { name: string; drop: () => Promise<unknown> }>;
export function dropDatabase(serverUrl: string, name: string): Promise<void>;
