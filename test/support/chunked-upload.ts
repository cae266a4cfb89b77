import { request as httpRequest } from 'node:http';

/**
 * POSTs `total` bytes of a zip to `url` in chunks of an odd size, as curl -T sends a file:
 * chunked (no Content-Length) or with a Content-Length. Resolves to the answer, which may come
 * (and the server close) before the whole upload is sent.
 */
export function uploadZip(
  url: string,
  total: number,
  options: { chunked: boolean; headers?: Record<string, string> },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers, 'content-type': 'application/zip' };
    if (options.chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = total;
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    const chunk = Buffer.alloc(100_003, 0x61);
    let left = total;
    const write = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!req.write(chunk.subarray(0, n))) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}
