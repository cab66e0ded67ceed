import type { OpenAPIObject } from '@nestjs/swagger';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Operation {
  operationId?: string;
  parameters?: { name?: string; in?: string; $ref?: string }[];
  requestBody?: unknown;
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> } | undefined>;
}

/**
 * Structural problems of an OpenAPI 3 document, as sentences (empty: none): the version field,
 * operation ids missing or repeated, `$ref`s that resolve to nothing, path templates whose
 * parameters are not declared, operations without responses.
 */
export function openApiProblems(doc: OpenAPIObject): string[] {
  const problems: string[] = [];
  if (!/^3\.\d+\.\d+$/.test(String(doc.openapi))) problems.push(`openapi version "${String(doc.openapi)}" is not 3.x.y`);
  if (!doc.info?.title || !doc.info.version) problems.push('info needs a title and a version');
  const ids = new Map<string, string>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!path.startsWith('/')) problems.push(`path ${path} does not start with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      const where = `${method.toUpperCase()} ${path}`;
      if (!op.operationId) problems.push(`${where} has no operationId`);
      else if (ids.has(op.operationId)) problems.push(`${where} repeats operationId ${op.operationId} of ${ids.get(op.operationId)}`);
      else ids.set(op.operationId, where);
      const declared = new Set((op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name));
      for (const name of templated) if (!declared.has(name)) problems.push(`${where} does not declare its path parameter ${name}`);
      if (!op.responses || Object.keys(op.responses).length === 0) problems.push(`${where} has no responses`);
    }
  }
  for (const ref of refsIn(doc)) if (!resolves(doc, ref)) problems.push(`$ref ${ref} resolves to nothing`);
  return problems;
}

/**
 * Operations whose request and answer are not described: no declared answer naming its body (a
 * 204 or a HEAD needs none), or a write without a request body. Swagger lists every registered route on its
 * own; this is what says a route was documented rather than merely found.
 */
export function undocumentedOperations(doc: OpenAPIObject): string[] {
  const missing: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      // A declared status with its body (or none to declare: 204, or any answer to HEAD); `default` is the error shape.
      const declared = Object.entries(op.responses ?? {}).filter(([status]) => /^\d{3}$/.test(status));
      const described = declared.some(([status, r]) => status === '204' || method === 'head' || Object.values(r?.content ?? {}).some((c) => c.schema !== undefined));
      const needsBody = method === 'post' || method === 'put' || method === 'patch';
      if (!described || (needsBody && op.requestBody === undefined)) missing.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return missing;
}

function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

function resolves(doc: OpenAPIObject, ref: string): boolean {
  if (!ref.startsWith('#/')) return false;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}
