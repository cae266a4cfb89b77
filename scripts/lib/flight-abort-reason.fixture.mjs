// Run by flight-abort-reason.test.ts in a child process (node --conditions=react-server
// --expose-gc [--import ./flight-abort-reason.mjs]): renders RENDERS Flight payloads with
// the React Next ships, 20 at a time, each inside an AsyncLocalStorage store as Next runs
// a request, then forces GC. Prints how many renders' stores are still reachable and the
// type of the abort reason React left on a render's cacheSignal.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Writable } from 'node:stream';
import { cacheSignal, createElement } from 'react';
import { renderToPipeableStream } from 'next/dist/compiled/react-server-dom-webpack/server.node.js';

const RENDERS = 200;
const requestStore = new AsyncLocalStorage();
const reachable = new Set();
const collected = new FinalizationRegistry((id) => reachable.delete(id));
let signal;

function render(id) {
  const store = { id, payload: new Array(10_000).fill(id) };
  collected.register(store, id);
  reachable.add(id);
  return new Promise((resolve) => {
    requestStore.run(store, () => {
      async function Page() {
        signal = cacheSignal();
        await new Promise((next) => setImmediate(next));
        return createElement('p', null, `render ${requestStore.getStore()?.id}`);
      }
      const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
      sink.on('finish', resolve);
      renderToPipeableStream(createElement(Page), {}).pipe(sink);
    });
  });
}

for (let first = 0; first < RENDERS; first += 20) {
  await Promise.all(Array.from({ length: 20 }, (_, k) => render(first + k)));
}
for (let round = 0; round < 5; round++) {
  globalThis.gc();
  await new Promise((next) => setImmediate(next));
}
const reason = signal?.reason;
console.log(
  JSON.stringify({ renders: RENDERS, reachable: reachable.size, aborted: signal?.aborted, reason: reason instanceof Error ? 'Error' : typeof reason }),
);
