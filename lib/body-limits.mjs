// Request body sizes, in one place for next.config.mjs and the routes. Next buffers every
// request body for proxy.ts up to proxyClientMaxBodySize and hands the route only what
// came before the chunk that crossed it, silently: a chunked upload (no Content-Length)
// larger than the buffer would reach the route cut short, looking like a smaller body.
// The buffer is therefore kept a margin above the largest body any route or server action
// accepts, so an oversized body still arrives larger than its limit and is refused (413).
// Plain JavaScript: next.config.mjs imports it, and a config that needs no TypeScript
// keeps Next from loading its SWC compiler into the production server at start.

const MB = 1024 * 1024;

/** An evidence bundle uploaded for verification (larger: `npm run audit:verify-bundle`). */
export const MAX_BUNDLE_UPLOAD_BYTES = 10 * MB;

/** Text pasted into the leak check (app/api/leak-check/upload). */
export const MAX_LEAK_PASTE_BYTES = 5 * MB;

/**
 * A file uploaded to the leak check: text, a zip of a repository, a git bundle. That route is
 * left out of proxy.ts's matcher, so Next does not buffer its body for the proxy at all (the
 * buffer is only filled for requests the proxy runs on): raising PROXY_BODY_BUFFER_BYTES above
 * this would let any request, to any route, hold that much memory before its route refuses it.
 */
export const MAX_LEAK_UPLOAD_BYTES = 50 * MB;

/** One batch of candidates the leak-check CLI sends (app/api/leak-check/scans/[scanId]/batches). */
export const MAX_LEAK_BATCH_BYTES = 2 * MB;

/** A server action's body (the CSV import sends up to 5 MB of text, which encoding grows). */
/** A REST API request's JSON body (/api/v1): a secret with a certificate chain, or a value (64 KiB each), fits. */
export const MAX_API_BODY_BYTES = 256 * 1024;

export const SERVER_ACTION_BODY_LIMIT = '10mb';

/** What Next buffers per request for the proxy: the largest limit above that goes through it plus more than a socket read. */
export const PROXY_BODY_BUFFER_BYTES = 11 * MB;
