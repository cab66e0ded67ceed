/**
 * Escaping of user input placed into LDAP distinguished names (RFC 4514 §2.4) and search filters
 * (RFC 4515 §3), so a username like `*)(uid=*` or `a,ou=admins` stays a value.
 */

/** An attribute value inside a DN: specials escaped with a backslash, controls and NUL as hex pairs. */
export function escapeDnValue(value: string): string {
  let out = '';
  const chars = [...value];
  chars.forEach((ch, i) => {
    const code = ch.codePointAt(0) as number;
    if (code < 0x20 || code === 0x7f) out += hexBytes(ch);
    else if ('"+,;<>\\='.includes(ch)) out += `\\${ch}`;
    else if ((ch === ' ' || ch === '#') && i === 0) out += `\\${ch}`;
    else if (ch === ' ' && i === chars.length - 1) out += '\\ ';
    else out += ch;
  });
  return out;
}

/** An assertion value inside a filter: `*`, `(`, `)`, `\` and NUL (and other controls) as `\xx`. */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    out += code < 0x20 || code === 0x7f || '*()\\'.includes(ch) ? hexBytes(ch) : ch;
  }
  return out;
}

function hexBytes(ch: string): string {
  return [...Buffer.from(ch, 'utf8')].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
}

/** Fills `{username}` in a DN template or filter, escaping for that context. */
export function fillTemplate(template: string, username: string, context: 'dn' | 'filter'): string {
  const escaped = context === 'dn' ? escapeDnValue(username) : escapeFilterValue(username);
  return template.split('{username}').join(escaped);
}
