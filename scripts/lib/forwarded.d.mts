import type { IncomingMessage } from 'node:http';

export const TRUST_PROXY_HELP: string;
export function parseTrustProxy(raw: string | undefined): number;
export function normalizeAddress(value: string | undefined | null): string | null;
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trustProxy: number): string | null;
export function vouchForwardedHeaders(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustProxy: number): void;
