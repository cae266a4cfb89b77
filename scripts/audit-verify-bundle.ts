// `npm run audit:verify-bundle <bundle.zip> [--public-key <pem file>]`: verifies an evidence
// bundle's signature, file hashes, row counts and the audit events' hash chain, prints every mismatch, and exits 0 only
// when the bundle is intact. Without --public-key the bundle's own key is used (proves
// integrity, not origin): pass the server's published key to check who signed it.
// A bundle past the verifier's limits (CLI_VERIFY_LIMITS: 64 GiB uncompressed, 32 files,
// 1 MiB per line) is refused with a problem naming the limit.
import { readFileSync } from 'node:fs';
import { CLI_VERIFY_LIMITS, verifyBundle } from '../lib/export/bundle/verify';

const args = process.argv.slice(2);
const keyAt = args.indexOf('--public-key');
const keyFile = keyAt >= 0 ? args[keyAt + 1] : undefined;
const file = args.find((a, i) => !a.startsWith('--') && (keyAt < 0 || i !== keyAt + 1));
if (!file || (keyAt >= 0 && !keyFile)) {
  console.error('usage: npm run audit:verify-bundle <bundle.zip> [--public-key <public-key.pem>]');
  process.exit(2);
}

const result = await verifyBundle(file, { trustedPublicKey: keyFile ? readFileSync(keyFile, 'utf8') : undefined, limits: CLI_VERIFY_LIMITS });
const m = result.manifest;
if (m) {
  console.log(`Bundle generated ${m.generatedAt} by ${m.generatedBy.email} (${m.generatedBy.role})`);
  console.log(
    `Filters: ${
      Object.entries(m.filters)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || 'none'
    }`,
  );
  console.log(`Chain head: event ${m.chainHead?.eventId ?? '-'}${m.chainHead?.hash ? ` (${m.chainHead.hash})` : ''}`);
}
console.log(`Signature: ${result.signature}${result.signerTrusted ? ' (trusted key)' : ' (key in the bundle; pass --public-key to check the signer)'}`);
const fileFilters = (name: string) => {
  const filters = m?.files.find((f) => f.name === name)?.filters;
  return filters
    ? ` (filters: ${
        Object.entries(filters)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ') || 'none'
      })`
    : '';
};
for (const f of result.files)
  console.log(`${f.ok ? 'ok  ' : 'FAIL'} ${f.name}: ${f.actual.rows ?? '?'} rows, ${f.actual.bytes ?? '?'} bytes${fileFilters(f.name)}`);
const c = result.chain;
if (c) {
  const gaps = c.gaps ? `, ${c.gaps} gaps left by the filters` : '';
  const legacy = c.unchained ? `, ${c.unchained} events from before the chain` : '';
  const head = c.reachesHead ? ', ends at the chain head' : '';
  console.log(
    `${c.problems.length ? 'FAIL' : 'ok  '} hash chain: ${c.eventsChecked} events recomputed, ${c.linksChecked} links checked${gaps}${legacy}${head}`,
  );
}
if (result.ok) {
  console.log('The bundle verifies.');
} else {
  console.error('The bundle does NOT verify:');
  for (const p of result.problems) console.error(`  - ${p}`);
}
process.exit(result.ok ? 0 : 1);
