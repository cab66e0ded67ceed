import type { OpenAPIObject } from '@nestjs/swagger';

/** One service's document and which of its paths the public API exposes. */
export interface DocumentPart {
  service: string;
  document: OpenAPIObject;
  /** Whether the gateway sends this path to this service (its route table); others are dropped. */
  exposes: (path: string) => boolean;
}

export interface MergedDocument {
  document: OpenAPIObject;
  /** `service METHOD path` of each operation left out because the gateway does not route it there. */
  dropped: string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const SCHEMA_REF = '#/components/schemas/';

/**
 * One public document from the services' own: each part's routed paths, its schemas (a name two
 * services define differently is renamed `<service>.<name>`, its references with it) and the
 * gateway's authentication, which every operation needs unless it declares `security: []`.
 * Throws when two services claim the same operation: the route table would send it to one only.
 */
export function mergeOpenApiDocuments(info: OpenAPIObject['info'], parts: DocumentPart[]): MergedDocument {
  const paths: OpenAPIObject['paths'] = {};
  const schemas: Record<string, unknown> = {};
  const owner = new Map<string, string>();
  const dropped: string[] = [];
  for (const part of parts) {
    const renames = new Map<string, string>();
    const own = (part.document.components?.schemas ?? {}) as Record<string, unknown>;
    for (const [name, schema] of Object.entries(own)) {
      if (name in schemas && JSON.stringify(schemas[name]) !== JSON.stringify(schema)) renames.set(name, `${part.service}.${name}`);
    }
    const rewrite = <T>(value: T): T => (renames.size === 0 ? value : (renameRefs(value, renames) as T));
    for (const [name, schema] of Object.entries(own)) schemas[renames.get(name) ?? name] = rewrite(schema);
    for (const [path, item] of Object.entries(part.document.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        if (!part.exposes(path)) {
          dropped.push(`${part.service} ${method.toUpperCase()} ${path}`);
          continue;
        }
        const key = `${method} ${path}`;
        const other = owner.get(key);
        if (other) throw new Error(`${method.toUpperCase()} ${path} is documented by both ${other} and ${part.service}`);
        owner.set(key, part.service);
        paths[path] = { ...(paths[path] ?? {}), [method]: rewrite({ ...op, tags: op.tags?.length ? op.tags : [part.service] }) };
      }
    }
  }
  const sorted = Object.fromEntries(
    Object.keys(paths)
      .sort()
      .map((p) => [p, paths[p]]),
  );
  return {
    document: {
      openapi: '3.0.0',
      info,
      paths: sorted,
      components: {
        schemas: schemas as NonNullable<OpenAPIObject['components']>['schemas'],
        securitySchemes: {
          basic: { type: 'http', scheme: 'basic', description: 'username and password' },
          bearer: { type: 'http', scheme: 'bearer', description: 'an API key (as MLFLOW_TRACKING_TOKEN sends it) or an OIDC access token' },
        },
      },
      security: [{ basic: [] }, { bearer: [] }],
    },
    dropped,
  };
}

function renameRefs(value: unknown, renames: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => renameRefs(v, renames));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(SCHEMA_REF)) {
        const name = v.slice(SCHEMA_REF.length);
        return [k, `${SCHEMA_REF}${renames.get(name) ?? name}`];
      }
      return [k, renameRefs(v, renames)];
    }),
  );
}
