// Loaded first by scripts/server.mjs. Works around react/react#37288 (open; the fix
// proposed upstream, react/react#37289, is exactly this: abort with a string).
//
// When a React Flight render finishes, React aborts the render's cacheController with
// `Error(RENDER_COMPLETED)`. The Error's captured (not yet formatted) stack keeps the
// receivers of its frames alive: Immediate objects, which Node leaves linked to the rest of
// their batch and which hold other requests' AsyncLocalStorage stores. A finished render
// thus stays reachable from the next ones and from any long-lived socket or timer created
// inside a request; under load half of all renders (48 MB of 159 MB after a forced GC)
// were kept (issue 14's heap profile).
//
// The patch passes that one Error's message, a plain string, as the abort reason; every
// other abort is untouched. The signal is still aborted, with the same words; React reads
// the reason only to fail streams still pending, and a completed render has none.
// flight-abort-reason.test.ts fails when React stops aborting with this Error or renders
// no longer leak without the patch (then delete this file and its import), and when
// finished renders are kept again with it.

/** React's abort message for a render that completed (react-server, flushCompletedChunks). */
export const RENDER_COMPLETED = 'This render completed successfully. All cacheSignals are now aborted to allow clean up of any unused resources.';

const abort = AbortController.prototype.abort;

AbortController.prototype.abort = function abortWithoutRetainedStack(reason) {
  return abort.call(this, reason instanceof Error && reason.message === RENDER_COMPLETED ? RENDER_COMPLETED : reason);
};
