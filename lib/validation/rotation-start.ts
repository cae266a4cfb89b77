// What a person sends to start a rotation: an optional note for the run's history. The
// Rotate now button sends none; a longer note (only from a hand-made request) is cut, not
// refused, as before.
import { z } from 'zod';

export const ZRotationStart = z
  .object({
    note: z
      .string()
      .catch('')
      .transform((note) => note.slice(0, 500)),
  })
  .catch({ note: '' });
