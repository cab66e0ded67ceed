import { hashPassword, parsePasswordHash, verifyPassword } from './password-hash';

const FAST = { ln: 10, r: 8, p: 1 };

describe('password hashing (scrypt, PHC)', () => {
  it('writes the documented PHC format with a 16-byte salt and a 32-byte hash', async () => {
    const phc = await hashPassword('correct horse battery', FAST);
    expect(phc).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    const parsed = parsePasswordHash(phc)!;
    expect(parsed.salt).toHaveLength(16);
    expect(parsed.hash).toHaveLength(32);
  });

  it('uses the default cost (ln=13, r=8, p=1) when none is given', async () => {
    expect(await hashPassword('correct horse battery')).toMatch(/^\$scrypt\$ln=13,r=8,p=1\$/);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const phc = await hashPassword('correct horse battery', FAST);
    await expect(verifyPassword('correct horse battery', phc)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', phc)).resolves.toBe(false);
    await expect(verifyPassword('', phc)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password!', FAST)).not.toBe(await hashPassword('same password!', FAST));
  });

  it('hashes the UTF-8 bytes without normalization', async () => {
    const phc = await hashPassword('pässwörd-ünïcode', FAST);
    await expect(verifyPassword('pässwörd-ünïcode', phc)).resolves.toBe(true);
    await expect(verifyPassword('pa\u0308sswo\u0308rd-u\u0308ni\u0308code', phc)).resolves.toBe(false);
  });

  it('verifies a hash computed independently with the documented recipe', async () => {
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const hash = scryptSync('interop password', salt, 32, { N: 1024, r: 8, p: 1 });
    const phc = `$scrypt$ln=10,r=8,p=1$${salt.toString('base64').replace(/=+$/, '')}$${hash.toString('base64').replace(/=+$/, '')}`;
    await expect(verifyPassword('interop password', phc)).resolves.toBe(true);
  });

  it('rejects empty passwords and out-of-range costs when hashing', async () => {
    await expect(hashPassword('')).rejects.toThrow('empty');
    await expect(hashPassword('x'.repeat(12), { ln: 30, r: 8, p: 1 })).rejects.toThrow('out of range');
  });

  it('treats malformed or hostile hashes as a mismatch instead of doing unbounded work', async () => {
    for (const bad of [
      '',
      'plain',
      '$scrypt$ln=30,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA',
      '$scrypt$ln=13,r=99,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA',
      '$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA',
    ]) {
      await expect(verifyPassword('whatever password', bad)).resolves.toBe(false);
    }
  });
});
