/** Why a stored artifact failed verification; stable values for logs, metrics and tests. */
export type IntegrityFailure = 'bad-header' | 'unsupported-version' | 'frame-length' | 'chunk-auth' | 'truncated' | 'trailing-data' | 'too-many-chunks';

/**
 * The stored ciphertext is not what we wrote: a flipped bit, a dropped, reordered or duplicated
 * chunk, a truncation, trailing bytes, or an object moved under another identity. Deterministic:
 * reading it again gives the same answer.
 */
export class ArtifactIntegrityError extends Error {
  constructor(
    readonly reason: IntegrityFailure,
    detail: string,
    readonly chunkIndex?: number,
  ) {
    super(`artifact integrity check failed: ${detail}`);
    this.name = 'ArtifactIntegrityError';
  }
}
