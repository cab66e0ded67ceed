import { createHash } from 'node:crypto';

const MISTRAL_ID = /^[A-Za-z0-9]{9}$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Mistral refuses any tool call id that is not exactly nine letters or digits, but a conversation
 * may carry ids another provider made (`call_…`, `toolu_…`). The same id always maps to the same
 * nine characters, so an assistant's call and the tool result answering it still pair up.
 */
export function mistralToolCallId(id: string): string {
  if (MISTRAL_ID.test(id)) return id;
  const digest = createHash('sha256').update(id).digest();
  let out = '';
  for (let i = 0; i < 9; i++) out += ALPHABET[digest[i] % ALPHABET.length];
  return out;
}
