// Request body sizes for the routes; defined in body-limits.mjs, which next.config.mjs
// (plain JavaScript) imports too.
export {
  MAX_API_BODY_BYTES,
  MAX_BUNDLE_UPLOAD_BYTES,
  MAX_LEAK_BATCH_BYTES,
  MAX_LEAK_PASTE_BYTES,
  MAX_LEAK_UPLOAD_BYTES,
  PROXY_BODY_BUFFER_BYTES,
  SERVER_ACTION_BODY_LIMIT,
} from './body-limits.mjs';
