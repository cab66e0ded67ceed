import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { eventCatalog, EventEnvelope } from '@custos/events';
import { EventStore } from '@custos/eventing';
import { createLogger, installBodyParsers, INTERNAL_TOKEN_HEADER, InternalTokenSecret, parseConfig, runtimeMode, signInternalToken } from '@custos/platform';
import { Principal } from '@custos/rbac';
import { createTestDatabase, offlineServiceEnv, TestDatabase } from '@custos/testing';
import { AuthzModule, authzService } from '../app.module';
import { authzEnv, AuthzConfig } from '../authz.config';

/** A response body as most assertions read it: MLflow's error fields, anything else left unknown. */
export type ApiBody = { error_code?: string; message?: string } & Record<string, unknown>;
export interface CallResult<T> {
  status: number;
  headers: Record<string, string>;
  body: T;
}
/** Response shapes the tests read from authz. */
export interface MlflowUser {
  id: string;
  username: string;
  is_admin: boolean;
  groups?: string[];
}
export interface UserBody {
  user: MlflowUser;
}
export interface ApiKeyView {
  keyId: string;
  ownerId: string;
  ownerUsername: string;
  scopes: string[];
  status: string;
}

export const admin: Principal = { id: 'root-admin', kind: 'user', roles: ['admin'], groups: [] };

/**
 * The whole authz service on a fresh database of the real test cluster, served in-process: the
 * real guard (gateway-signed internal tokens), policies, validation pipes, error filter,
 * controllers, command executor and projection. Kafka is not touched (passive runtime).
 */
export async function createAuthzApp(prefix: string, extraEnv: Record<string, string> = {}) {
  const db: TestDatabase = await createTestDatabase(prefix, authzService.migrations);
  const secret = InternalTokenSecret.generate();
  const env = offlineServiceEnv({ DATABASE_URL: db.url, AUTHZ_PASSWORD_HASH_LN: '12', INTERNAL_TOKEN_KEY: secret.exportKeyFor('authz'), ...extraEnv });
  const config = parseConfig(authzEnv, env) as AuthzConfig;
  runtimeMode.passive = true;
  const app = await NestFactory.create<NestExpressApplication>(AuthzModule.forRoot(config, createLogger('authz', 'silent')), { logger: false, bodyParser: false });
  installBodyParsers(app, authzService);
  await app.get(DataSource).initialize();
  await app.init();
  const server = app.getHttpServer();
  const store = new EventStore('authz', eventCatalog);

  /** A request as the gateway forwards it: a token minted for authz, this method and this exact path and query. */
  const call = async <T = ApiBody>(principal: Principal | null, method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, body?: unknown): Promise<CallResult<T>> => {
    const url = method === 'get' && body !== undefined ? `${path}?${new URLSearchParams(body as Record<string, string>).toString()}` : path;
    let req = request(server)[method](url);
    if (principal) {
      const target = { audience: 'authz' as const, method, url, correlationId: `test-${randomUUID()}`, clientIp: '127.0.0.1' };
      req = req.set(INTERNAL_TOKEN_HEADER, await signInternalToken(secret, principal, target));
    }
    const res = await (method === 'get' || body === undefined ? req : req.send(body as object));
    // The JSON body as the test expects it; the assertions that follow check the shape.
    return { status: res.status, headers: res.headers as Record<string, string>, body: res.body as T };
  };

  return {
    db,
    app,
    config,
    ds: db.dataSource,
    call,
    /** Every event of a stream, as the store hands them back. */
    async stream(streamId: string): Promise<EventEnvelope[]> {
      return store.readStream(db.dataSource, streamId);
    },
    async eventsOfType(type: string): Promise<EventEnvelope[]> {
      const rows = (await db.dataSource.query(`SELECT stream_id FROM events WHERE type = $1 ORDER BY global_position`, [type])) as { stream_id: string }[];
      const out: EventEnvelope[] = [];
      for (const id of [...new Set(rows.map((r) => r.stream_id))]) out.push(...(await store.readStream(db.dataSource, id)).filter((e) => e.type === type));
      return out;
    },
    store,
    async close(): Promise<void> {
      await app.close();
      await db.drop();
    },
  };
}

export type AuthzApp = Awaited<ReturnType<typeof createAuthzApp>>;

/** A principal for an account created through the API (principal ids are user ids). */
export function principalFor(userId: string, extra: Partial<Principal> = {}): Principal {
  return { id: userId, kind: 'user', roles: [], groups: [], ...extra };
}
