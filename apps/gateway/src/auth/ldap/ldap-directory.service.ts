import { Inject, Injectable } from '@nestjs/common';
import { Client, InvalidCredentialsError, ResultCodeError } from 'ldapts';
import { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@custos/platform';
import { GatewayConfig } from '../../gateway.config';
import { fillTemplate } from '../../domain/ldap-escape';
import { IdentityStore, LdapProvider } from '../../identity/identity.store';
import { providerPrincipal } from '../principals';
import { refused, Verification } from '../verification';

type Attempt = { ok: true; groups: string[] } | { ok: false; detail: string };

export class LdapUnavailableError extends Error {}

/**
 * Sign-in against LDAP directories by simple bind, tried in provider order until one accepts:
 * - with `userDnTemplate` (e.g. `uid={username},ou=people,dc=example,dc=org`) the user's DN is the
 *   template filled with the RFC 4514-escaped name;
 * - otherwise the user is searched under `searchBase` with `searchFilter` (e.g. `(uid={username})`,
 *   the name RFC 4515-escaped), bound as `bindDn` (its password from IDP_SECRETS by
 *   `bindPasswordSecretName`) or anonymously; exactly one entry must match.
 * Then the user's own bind proves the password. An empty password is refused before any network
 * traffic: to LDAP it would be an unauthenticated bind, which "succeeds". Plain `ldap://` to
 * anything but loopback is upgraded with StartTLS before a password is sent.
 * Groups come from `groupsAttribute` on the user's entry (a DN value counts as its first RDN's
 * value: `cn=ml-admins,ou=groups,...` is `ml-admins`).
 */
@Injectable()
export class LdapDirectory {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly store: IdentityStore,
  ) {}

  async verify(directories: LdapProvider[], username: string, password: string): Promise<Verification> {
    if (password.length === 0 || username.length === 0) return refused('empty LDAP user name or password');
    if (username.length > 180) return refused('LDAP user name too long');
    const misses: string[] = [];
    let reached = false;
    for (const dir of directories) {
      let attempt: Attempt;
      try {
        attempt = await this.attempt(dir, username, password);
        reached = true;
      } catch (e) {
        if (e instanceof ResultCodeError) {
          // The directory answered, with an error about this request (no such entry, bad syntax...).
          reached = true;
          misses.push(`${dir.providerId}: ${e.message.slice(0, 120)}`);
          continue;
        }
        this.logger.warn({ providerId: dir.providerId, err: (e as Error).message }, 'LDAP directory unreachable');
        misses.push(`${dir.providerId}: unreachable`);
        continue;
      }
      if (attempt.ok) {
        const linked = await this.store.activeUserByName(username);
        return { ok: true, principal: providerPrincipal(dir.providerId, username, attempt.groups, dir.groupRoleMap, linked) };
      }
      misses.push(`${dir.providerId}: ${attempt.detail}`);
    }
    if (!reached) throw new LdapUnavailableError(`no LDAP directory answered (${misses.join('; ')})`);
    return refused(`LDAP sign-in refused (${misses.join('; ')})`.slice(0, 500));
  }

  private async attempt(dir: LdapProvider, username: string, password: string): Promise<Attempt> {
    const s = dir.ldap;
    let userDn: string;
    if (s.userDnTemplate) {
      userDn = fillTemplate(s.userDnTemplate, username, 'dn');
    } else if (s.searchBase && s.searchFilter) {
      const found = await this.withClient(s.url, async (c) => {
        if (s.bindDn) {
          const secret = s.bindPasswordSecretName ? this.config.IDP_SECRETS[s.bindPasswordSecretName] : undefined;
          if (!secret) throw new LdapUnavailableError(`bind password secret '${s.bindPasswordSecretName ?? ''}' is not configured`);
          await c.bind(s.bindDn, secret);
        }
        const { searchEntries } = await c.search(s.searchBase as string, { scope: 'sub', filter: fillTemplate(s.searchFilter as string, username, 'filter'), sizeLimit: 2, attributes: ['dn'] });
        return searchEntries.map((e) => e.dn);
      });
      if (found.length !== 1) return { ok: false, detail: found.length === 0 ? 'no such user' : 'user name matches several entries' };
      userDn = found[0];
    } else {
      return { ok: false, detail: 'directory has neither userDnTemplate nor searchBase and searchFilter' };
    }
    return this.withClient(s.url, async (c) => {
      try {
        await c.bind(userDn, password);
      } catch (e) {
        if (e instanceof InvalidCredentialsError) return { ok: false, detail: 'invalid credentials' };
        throw e;
      }
      if (!s.groupsAttribute) return { ok: true, groups: [] };
      const { searchEntries } = await c.search(userDn, { scope: 'base', attributes: [s.groupsAttribute] });
      return { ok: true, groups: groupNames(searchEntries[0]?.[s.groupsAttribute]) };
    });
  }

  private async withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
    // strictDN off: the escaped DN is ours, and the directory is the judge of its syntax.
    const c = new Client({ url, timeout: this.config.LDAP_TIMEOUT_MS, connectTimeout: this.config.LDAP_TIMEOUT_MS, strictDN: false });
    try {
      if (url.startsWith('ldap://') && !isLoopback(new URL(url).hostname)) await c.startTLS({});
      return await fn(c);
    } finally {
      await c.unbind().catch(() => undefined);
    }
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function groupNames(value: unknown): string[] {
  const values = (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
  return values
    .map((v) => {
      // A DN: take the first RDN's value, unescaping what RFC 4514 escapes.
      const m = /^[A-Za-z][\w-]*=((?:\\.|[^,+\\])*)/.exec(v);
      return m && v.includes('=') ? m[1].replace(/\\(.)/g, '$1') : v;
    })
    .filter((g) => g.length > 0 && g.length <= 256)
    .slice(0, 256);
}
