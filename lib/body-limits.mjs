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

/** A server action's body (the CSV import sends up to 5 MB of text, which encoding grows). */
export const SERVER_ACTION_BODY_LIMIT = '10mb';

/** What Next buffers per request for the proxy: the largest limit above plus more than a socket read. */
export const PROXY_BODY_BUFFER_BYTES = 11 * MB;
