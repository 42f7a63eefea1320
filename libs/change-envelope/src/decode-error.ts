/** Thrown for bytes that are not a valid message of the expected kind (truncated, corrupted, foreign). */
export class EnvelopeDecodeError extends Error {
  constructor(what: string, cause: unknown) {
    super(`cannot decode ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'EnvelopeDecodeError';
  }
}
