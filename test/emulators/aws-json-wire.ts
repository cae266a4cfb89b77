// What the AWS emulators (Secrets Manager, CloudTrail) share on the wire: both speak
// awsJson1_1 over node:http, so the request body, the SigV4 credential scope and the
// response and error envelopes are read and written the same way for both.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `Credential=AKID/20250101/eu-west-1/secretsmanager/aws4_request` -> eu-west-1. */
export function regionOf(req: IncomingMessage): string {
  const match = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(req.headers.authorization ?? '');
  return match?.[1] ?? 'us-east-1';
}

/** `Credential=AKID/20250101/...` -> AKID: who signed the request. */
export function accessKeyOf(req: IncomingMessage): string {
  return /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? 'anonymous';
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(payload);
}

/** An AWS error: the code in the body's `__type` and in `x-amzn-errortype`, as the SDK parses it. */
export function sendError(res: ServerResponse, code: string, message: string, status: number): void {
  send(res, status, { __type: code, Message: message }, { 'x-amzn-errortype': code });
}

/** Listens on `host` (port 0: any free one) and resolves with the port; a port in use rejects. */
export async function listen(server: Server, host: string, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
