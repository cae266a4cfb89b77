import { expect } from 'vitest';

/** What `promise` rejects with, or undefined when it resolves: for tests that look at the error itself. */
export const errorOf = (promise: PromiseLike<unknown>): Promise<unknown> =>
  Promise.resolve(promise).then(
    () => undefined,
    (e: unknown) => e,
  );

/** The error `promise` rejects with, checked to be a `type`; the test fails when it resolves instead. */
export async function rejectionOf<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => {
      throw new Error(`expected a ${type.name}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}
