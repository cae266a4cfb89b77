// A test file's shared fixture (an emulator, a receiver) starts in beforeAll, after the
// file's top level has run; `late` lets that top level name it all the same.

/** Stands for the value `get` returns when a property is read (inside a test or hook). */
export function late<T extends object>(get: () => T): T {
  return new Proxy({} as T, {
    get(_, key) {
      const target = get();
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The value once `beforeAll` has set it; before that, a clear error instead of undefined. */
export function started<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} starts in beforeAll: use it inside a test or hook`);
  return value;
}
