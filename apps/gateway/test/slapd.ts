import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { escapeDnValue } from '../src/domain/ldap-escape';

export const SUFFIX = 'dc=custos,dc=test';
export const ROOT_DN = `cn=admin,${SUFFIX}`;
export const ROOT_PASSWORD = 'admin-secret-for-tests';

/**
 * A real OpenLDAP server (Debian's `slapd`) for one test file: a temp folder with a slapd.conf
 * (mdb backend, the memberOf overlay, anonymous search, passwords readable by nobody), started in
 * the foreground on a free loopback port and removed afterwards.
 */
export class TestSlapd {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
  ) {}

  static available(): boolean {
    return existsSync('/usr/sbin/slapd') && existsSync('/usr/lib/ldap/back_mdb.so');
  }

  static async start(): Promise<TestSlapd> {
    const dir = mkdtempSync(join(tmpdir(), 'custos-slapd-'));
    mkdirSync(join(dir, 'db'));
    writeFileSync(
      join(dir, 'slapd.conf'),
      [
        'include /etc/ldap/schema/core.schema',
        'include /etc/ldap/schema/cosine.schema',
        'include /etc/ldap/schema/nis.schema',
        'include /etc/ldap/schema/inetorgperson.schema',
        `pidfile ${dir}/slapd.pid`,
        `argsfile ${dir}/slapd.args`,
        'modulepath /usr/lib/ldap',
        'moduleload back_mdb',
        'moduleload memberof',
        'database mdb',
        'maxsize 104857600',
        `suffix "${SUFFIX}"`,
        `rootdn "${ROOT_DN}"`,
        `rootpw ${ROOT_PASSWORD}`,
        `directory ${dir}/db`,
        'access to attrs=userPassword by anonymous auth by self read by * none',
        'access to * by * read',
        'overlay memberof',
        '',
      ].join('\n'),
    );
    const port = await freePort();
    const url = `ldap://127.0.0.1:${port}`;
    const child = spawn('/usr/sbin/slapd', ['-f', join(dir, 'slapd.conf'), '-h', `${url}/`, '-d', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const server = new TestSlapd(child, dir, url);
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`slapd exited: ${stderr}`);
      try {
        await server.asAdmin(async () => undefined);
        return server;
      } catch {
        if (Date.now() > deadline) throw new Error(`slapd did not answer: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async asAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const c = new Client({ url: this.url, timeout: 5_000, connectTimeout: 2_000 });
    try {
      await c.bind(ROOT_DN, ROOT_PASSWORD);
      return await fn(c);
    } finally {
      await c.unbind().catch(() => undefined);
    }
  }

  /** The base tree, people with passwords, and groups whose members get `memberOf`. */
  async seed(people: { uid: string; password: string }[], groups: { cn: string; members: string[] }[]): Promise<void> {
    await this.asAdmin(async (c) => {
      await c.add(SUFFIX, { objectClass: ['dcObject', 'organization'], dc: 'custos', o: 'Custos tests' });
      await c.add(`ou=people,${SUFFIX}`, { objectClass: 'organizationalUnit', ou: 'people' });
      await c.add(`ou=groups,${SUFFIX}`, { objectClass: 'organizationalUnit', ou: 'groups' });
      for (const p of people) {
        await c.add(`uid=${escapeDnValue(p.uid)},ou=people,${SUFFIX}`, { objectClass: 'inetOrgPerson', uid: p.uid, cn: p.uid, sn: p.uid, userPassword: p.password });
      }
      for (const g of groups) {
        await c.add(`cn=${g.cn},ou=groups,${SUFFIX}`, { objectClass: 'groupOfNames', cn: g.cn, member: g.members.map((m) => `uid=${escapeDnValue(m)},ou=people,${SUFFIX}`) });
      }
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      await new Promise<void>((r) => {
        const t = setTimeout(() => {
          this.child.kill('SIGKILL');
          r();
        }, 5_000);
        this.child.once('exit', () => {
          clearTimeout(t);
          r();
        });
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}
