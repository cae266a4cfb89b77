import { describe, expect, it } from 'vitest';
import { coalescedRead } from './coalesced-read';

/** A read whose calls the test settles one by one, each returning its call number. */
function controlledRead() {
  const pending: (() => void)[] = [];
  let calls = 0;
  const read = () => {
    const n = ++calls;
    return new Promise<number>((resolve) => pending.push(() => resolve(n)));
  };
  const settleNext = async () => {
    pending.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { read, settleNext, calls: () => calls };
}

describe('coalesced read', () => {
  it('gives callers arriving during a read the next one, shared, and one read at a time', async () => {
    const c = controlledRead();
    const shared = coalescedRead(c.read);
    const first = shared();
    const [second, third] = [shared(), shared()];
    expect(c.calls()).toBe(1);
    await c.settleNext();
    expect(await first).toBe(1);
    expect(c.calls()).toBe(2);
    await c.settleNext();
    expect(await Promise.all([second, third])).toEqual([2, 2]);
    const fourth = shared();
    expect(c.calls()).toBe(3);
    await c.settleNext();
    expect(await fourth).toBe(3);
  });

  it('starts the next read after a failed one', async () => {
    let fail = true;
    const shared = coalescedRead(async () => {
      if (fail) throw new Error('db down');
      return 'ok';
    });
    const failing = shared();
    const after = shared();
    fail = false;
    await expect(failing).rejects.toThrow('db down');
    expect(await after).toBe('ok');
  });
});
