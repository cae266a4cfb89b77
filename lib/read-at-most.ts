// Reads a stream into memory, but never more than `limit` bytes: past it the stream is
// destroyed and the caller's own error is thrown (a zip entry that inflates to more than
// it declared, an upload larger than its limit).
import type { Readable } from 'node:stream';

export async function readAtMost(stream: Readable | AsyncIterable<Uint8Array>, limit: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > limit) {
      (stream as Partial<Readable>).destroy?.();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

class BodyTooLarge extends Error {}

/** A request's body, or null when it is larger than `limit` (declared or as it streams in). */
export async function readBodyAtMost(request: Request, limit: number): Promise<Buffer | null> {
  if (Number(request.headers.get('content-length') ?? '0') > limit) return null;
  if (!request.body) return Buffer.alloc(0);
  try {
    return await readAtMost(request.body as unknown as AsyncIterable<Uint8Array>, limit, () => new BodyTooLarge());
  } catch (error) {
    if (error instanceof BodyTooLarge) return null;
    throw error;
  }
}
