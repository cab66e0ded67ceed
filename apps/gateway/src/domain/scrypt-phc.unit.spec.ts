import { scryptSync } from 'node:crypto';
import { hashScryptPhc, parseScryptPhc, PhcFormatError, verifyScryptPhc } from './scrypt-phc';

const salt = Buffer.from('0123456789abcdef');
const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
// An independent reference: Node's scrypt with N=2^10, r=8, p=1, 32-byte key.
const reference = `$scrypt$ln=10,r=8,p=1$${b64(salt)}$${b64(scryptSync('correct horse', salt, 32, { N: 1024, r: 8, p: 1 }))}`;

describe('scrypt PHC strings', () => {
  it('parses the parameters, salt and hash', () => {
    const h = parseScryptPhc(reference);
    expect(h).toMatchObject({ ln: 10, r: 8, p: 1 });
    expect(h.salt.equals(salt)).toBe(true);
    expect(h.hash).toHaveLength(32);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    await expect(verifyScryptPhc('correct horse', reference)).resolves.toBe(true);
    await expect(verifyScryptPhc('correct horse ', reference)).resolves.toBe(false);
    await expect(verifyScryptPhc('', reference)).resolves.toBe(false);
  });

  it('reads correctly padded base64 too, and round-trips its own hashes', async () => {
    const [, , params, s, h] = reference.split('$');
    const padded = `$scrypt$${params}$${Buffer.from(s, 'base64').toString('base64')}$${Buffer.from(h, 'base64').toString('base64')}`;
    await expect(verifyScryptPhc('correct horse', padded)).resolves.toBe(true);
    const mine = await hashScryptPhc('pw', salt, 10);
    expect(mine).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    await expect(verifyScryptPhc('pw', mine)).resolves.toBe(true);
  });

  const [, , , saltText, hashText] = reference.split('$');
  it.each([
    ['empty', ''],
    ['another algorithm', `$argon2id$v=19$m=65536,t=3,p=4$${saltText}$${hashText}`],
    ['missing leading $', `scrypt$ln=10,r=8,p=1$${saltText}$${hashText}`],
    ['extra field', `$scrypt$ln=10,r=8,p=1$${saltText}$${hashText}$x`],
    ['no hash', `$scrypt$ln=10,r=8,p=1$${saltText}`],
    ['parameters out of order', `$scrypt$r=8,ln=10,p=1$${saltText}$${hashText}`],
    ['missing parameter', `$scrypt$ln=10,r=8$${saltText}$${hashText}`],
    ['extra parameter', `$scrypt$ln=10,r=8,p=1,x=2$${saltText}$${hashText}`],
    ['leading zero', `$scrypt$ln=010,r=8,p=1$${saltText}$${hashText}`],
    ['non-decimal', `$scrypt$ln=0x0a,r=8,p=1$${saltText}$${hashText}`],
    ['ln zero', `$scrypt$ln=0,r=8,p=1$${saltText}$${hashText}`],
    ['ln too large', `$scrypt$ln=21,r=8,p=1$${saltText}$${hashText}`],
    ['too much memory', `$scrypt$ln=20,r=32,p=1$${saltText}$${hashText}`],
    ['p zero', `$scrypt$ln=10,r=8,p=0$${saltText}$${hashText}`],
    ['base64url salt', `$scrypt$ln=10,r=8,p=1$${saltText.replace(/\+/g, '-').replace(/\//g, '_')}_$${hashText}`],
    ['whitespace in hash', `$scrypt$ln=10,r=8,p=1$${saltText}$ ${hashText}`],
    // 32 bytes end in a character with two unused low bits; setting one is a second spelling of the same bytes.
    ['non-canonical trailing bits', `$scrypt$ln=10,r=8,p=1$${saltText}$${hashText.slice(0, -1)}${B64_ALPHABET[B64_ALPHABET.indexOf(hashText.slice(-1)) ^ 1]}`],
    ['short salt', `$scrypt$ln=10,r=8,p=1$AAAA$${hashText}`],
    ['short hash', `$scrypt$ln=10,r=8,p=1$${saltText}$AAAAAAAA`],
  ])('refuses %s', (_name, phc) => {
    expect(() => parseScryptPhc(phc)).toThrow(PhcFormatError);
  });
});
