// First-load JavaScript of a page, as a current browser downloads it: every script under
// /_next/static the page's HTML names (its <script src> tags, and the client components'
// chunks its inline RSC payload lists, which the runtime loads before hydrating), each
// gzipped (what Next's compression sends) and summed. Left out: the noModule polyfills,
// which browsers that run modules (all Next supports) never fetch.
import { gzipSync } from 'node:zlib';

const SCRIPT = /\/_next\/static\/[^"'\\\s]+?\.js/g;
const NO_MODULE_SCRIPT = /<script[^>]*\bnoModule\b[^>]*>/gi;

export async function firstLoadJsKb(base: string, path: string, cookie: string): Promise<{ kb: number; scripts: number }> {
  const html = await (await fetch(`${base}${path}`, { headers: { cookie } })).text();
  const polyfills = new Set((html.match(NO_MODULE_SCRIPT) ?? []).flatMap((tag) => tag.match(SCRIPT) ?? []));
  const scripts = [...new Set(html.match(SCRIPT) ?? [])].filter((script) => !polyfills.has(script));
  let bytes = 0;
  for (const script of scripts) {
    const res = await fetch(`${base}${script}`);
    if (!res.ok) throw new Error(`${script}: HTTP ${res.status}`);
    bytes += gzipSync(Buffer.from(await res.arrayBuffer())).length;
  }
  return { kb: bytes / 1024, scripts: scripts.length };
}
