// First-load JavaScript of a page, as a browser downloads it: every script under
// /_next/static the page's HTML names (its <script src> tags, and the client components'
// chunks its inline RSC payload lists, which the runtime loads before hydrating), each
// gzipped (what Next's compression sends) and summed.
import { gzipSync } from 'node:zlib';

const SCRIPT = /\/_next\/static\/[^"'\\\s]+?\.js/g;

export async function firstLoadJsKb(base: string, path: string, cookie: string): Promise<{ kb: number; scripts: number }> {
  const html = await (await fetch(`${base}${path}`, { headers: { cookie } })).text();
  const scripts = [...new Set(html.match(SCRIPT) ?? [])];
  let bytes = 0;
  for (const script of scripts) {
    const res = await fetch(`${base}${script}`);
    if (!res.ok) throw new Error(`${script}: HTTP ${res.status}`);
    bytes += gzipSync(Buffer.from(await res.arrayBuffer())).length;
  }
  return { kb: bytes / 1024, scripts: scripts.length };
}
