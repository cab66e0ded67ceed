import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'pino';
import { Principal } from '@custos/rbac';
import {
  DocumentPart,
  INTERNAL_OPENAPI_PATH,
  INTERNAL_TOKEN_HEADER,
  isOpenPath,
  InternalTokenSecret,
  LOGGER,
  mergeOpenApiDocuments,
  openApiProblems,
  runtimeMode,
  SERVICE_CONFIG,
  ServiceOpenApi,
  signInternalToken,
} from '@custos/platform';
import { GatewayConfig } from '../gateway.config';
import { routeFor, Upstream } from '../domain/route-table';

const UPSTREAMS: Upstream[] = ['tracking', 'registry', 'authz', 'audit'];
/** Who asks the services for their documents: the gateway itself, with no grants. */
const COLLECTOR: Principal = { id: 'gateway', kind: 'system', roles: [], groups: [] };
const FETCH_TIMEOUT_MS = 10_000;
const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
/** A service redeployed under a running gateway shows its new routes within this long. */
const REFRESH_MS = 5 * 60_000;

/**
 * The public OpenAPI document: the gateway's own and each service's (fetched over the internal
 * path with a token minted for it), merged once and kept serialized, so `GET /api/openapi.json`
 * costs a send. Collected at boot, retried until every service answered, refreshed now and then.
 */
@Injectable()
export class OpenApiCollector implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly tokenSecret: InternalTokenSecret;
  private readonly upstreams: Record<Upstream, string>;
  private json: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(SERVICE_CONFIG) config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly own: ServiceOpenApi,
  ) {
    this.tokenSecret = InternalTokenSecret.fromBase64(config.INTERNAL_TOKEN_SECRET);
    this.upstreams = { tracking: config.TRACKING_URL, registry: config.REGISTRY_URL, authz: config.AUTHZ_URL, audit: config.AUDIT_URL };
  }

  /** The merged document as JSON text; undefined until every service has answered once. */
  current(): string | undefined {
    return this.json;
  }

  onApplicationBootstrap(): void {
    if (!runtimeMode.passive) void this.collect(0);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async collect(attempt: number): Promise<void> {
    let next = REFRESH_MS;
    try {
      const docs = await Promise.all(UPSTREAMS.map(async (service) => ({ service, document: await this.fetchDocument(service) })));
      this.json = JSON.stringify(this.merge(docs));
    } catch (e) {
      next = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];
      this.logger.warn({ err: (e as Error).message, retryMs: next }, 'OpenAPI documents not collected yet');
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.collect(this.json === undefined ? attempt + 1 : 0), next);
    this.timer.unref();
  }

  /** The merge, checked: a document that fails the structural checks is logged, and served as it is. */
  merge(services: { service: Upstream; document: OpenAPIObject }[]): OpenAPIObject {
    const own = this.own.document();
    if (!own) throw new Error('the gateway has not built its own document');
    const parts: DocumentPart[] = [
      { service: 'gateway', document: publicProbes(own), exposes: (path) => isOpenPath(path) || routeFor(path) === 'gateway' },
      ...services.map(({ service, document }) => ({ service, document, exposes: (path: string) => routeFor(path) === service })),
    ];
    const { document } = mergeOpenApiDocuments(
      { title: 'Custos', version: '1', description: 'Every route the gateway serves: MLflow’s REST API (under /api/ and /ajax-api/) and Custos’s own admin APIs.' },
      parts,
    );
    const problems = openApiProblems(document);
    if (problems.length > 0) this.logger.error({ problems: problems.slice(0, 20) }, 'merged OpenAPI document has structural problems');
    return document;
  }

  private async fetchDocument(service: Upstream): Promise<OpenAPIObject> {
    const token = await signInternalToken(this.tokenSecret, COLLECTOR, { audience: service, method: 'GET', url: INTERNAL_OPENAPI_PATH, correlationId: randomUUID() });
    const res = await fetch(new URL(INTERNAL_OPENAPI_PATH, this.upstreams[service]), { headers: { [INTERNAL_TOKEN_HEADER]: token }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`${service} answered ${res.status} for its OpenAPI document`);
    return (await res.json()) as OpenAPIObject;
  }
}

/** The probes are the one part of the API reachable without credentials; the document says so. */
function publicProbes(doc: OpenAPIObject): OpenAPIObject {
  const paths = Object.fromEntries(Object.entries(doc.paths).map(([path, item]) => [path, isOpenPath(path) && item.get ? { ...item, get: { ...item.get, security: [] } } : item]));
  return { ...doc, paths };
}
