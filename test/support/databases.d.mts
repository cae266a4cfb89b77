export function assertLocalDatabase(url: string): void;
export function createTemplate(serverUrl: string): Promise<string>;
export function cloneTemplate(
  serverUrl: string,
  template: string,
  prefix?: string,
): Promise<{ name: string; url: string; drop: () => Promise<unknown> }>;
export function dropDatabase(serverUrl: string, name: string): Promise<void>;
