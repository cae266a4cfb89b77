// How an export source reads its rows: batch after batch by keyset (never OFFSET, which
// rescans what it skips), until a batch comes back short.

/**
 * Yields the rows `read` returns, mapped, one batch at a time. `read(after)` returns at
 * most `size` rows after the cursor (null: from the start); the next cursor is taken from
 * each batch's last row.
 */
export async function* keysetBatches<R, C, T>(
  size: number,
  read: (after: C | null) => Promise<R[]>,
  cursorOf: (last: R) => C,
  map: (row: R) => T,
): AsyncGenerator<T[]> {
  let after: C | null = null;
  for (;;) {
    const rows = await read(after);
    if (rows.length) yield rows.map(map);
    const last = rows.at(-1);
    if (rows.length < size || !last) return;
    after = cursorOf(last);
  }
}
