import { createHash } from 'node:crypto';

/**
 * A positive integer below 2^48 derived from its parts: MLflow's roles API names role permissions
 * and assignments by integer id, and deriving it (instead of drawing from a sequence) keeps it the
 * same across redefinitions of the role and across projection rebuilds. 48 bits keep it a safe JSON
 * number; a collision needs ~16 million entries before it is even a one-in-a-million event.
 */
export function stableId(...parts: string[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUIntBE(0, 6) || 1;
}
