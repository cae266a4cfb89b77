// Every test process: settings the app requires, and cloud SDKs kept off the network
// (no metadata-server probes to 169.254.169.254; tests talk to loopback only).
process.env.NEXTAUTH_SECRET ??= 'test-only-nextauth-secret-0123456789abcdef';
process.env.METADATA_SERVER_DETECTION = 'none';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.LOG_LEVEL ??= 'warn';
// Tests seed and read through the app's client on a loaded machine: a generous statement
// timeout (test/integration/statement-timeout.test.ts sets a short one to test it).
process.env.DATABASE_STATEMENT_TIMEOUT_MS ??= '120000';
// The AWS SDK's default credential chain reads these first; the emulators ignore signatures.
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDTESTONLY';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test-only-secret-access-key';
process.env.AWS_REGION ??= 'us-east-1';
process.env.VALUE_FINGERPRINT_PEPPER ??= 'test-only-fingerprint-pepper-0123456789abcdef';
process.env.LOCAL_PROVIDER_KEY ??= 'dGVzdC1vbmx5LWxvY2FsLXByb3ZpZGVyLWtleS0zMmI';
// Each test process signs evidence bundles with a fresh Ed25519 key.
import { generateKeyPairSync } from 'node:crypto';
process.env.AUDIT_SIGNING_KEY ??= generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
// Each test process gets its own local-provider store, so files never leak between runs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
process.env.LOCAL_PROVIDER_DIR ??= mkdtempSync(path.join(tmpdir(), 'local-provider-'));
// Emulators answer on loopback in milliseconds; a short deadline keeps timeout tests quick (long enough for the SDK's throttling backoff).
process.env.PROVIDER_TIMEOUT_MS ??= '4000';
// The emulators and test receivers listen on loopback, which the egress policy refuses by default.
process.env.EGRESS_ALLOW ??= '127.0.0.1';
// Rotations in their grace period look for consumers' moves every second (default a minute).
process.env.ROTATION_ADOPTION_POLL_SECONDS ??= '1';
