const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function isKeyId(keyId: string): boolean {
  return KEY_ID.test(keyId);
}

export function assertKeyId(keyId: string): void {
  if (!KEY_ID.test(keyId)) throw new RangeError(`key id must match ${KEY_ID}: ${JSON.stringify(keyId)}`);
}

/**
 * What is being sealed (e.g. storage object id and artifact path, or a secret's id and name),
 * length-prefixed so that no two different lists encode alike.
 */
export function encodeIdentity(parts: readonly string[]): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) {
    const b = Buffer.from(p, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    out.push(len, b);
  }
  return Buffer.concat(out);
}
