// A rotation step that cannot succeed as configured: the run fails with this code and
// message (our own words, never a server's or a value).
export class RotationFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RotationFailure';
  }
}
