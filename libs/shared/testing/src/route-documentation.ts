import { DynamicModule, RequestMethod, Type } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildServiceDocument, openApiProblems, runtimeMode, undocumentedOperations } from '@custos/platform';

export interface RouteDocumentation {
  /** `METHOD /path` (OpenAPI spelling: `{param}`) of every route Nest registered. */
  routes: string[];
  /** Registered routes the service's document does not list. */
  missing: string[];
  /** Listed but without request or answer shapes (`undocumentedOperations`). */
  undocumented: string[];
  /** Structural problems of the document (`openApiProblems`). */
  problems: string[];
  document: OpenAPIObject;
}

/**
 * A service's registered routes (read from Nest's controller metadata, independently of the
 * swagger scanner) against the document it builds at boot: a route added without its
 * `@MlflowApi`/`@AdminApi` shapes shows up in `undocumented`, one swagger skipped in `missing`.
 */
export async function routeDocumentation(module: DynamicModule | Type<unknown>, service: string): Promise<RouteDocumentation> {
  runtimeMode.passive = true;
  const app = await NestFactory.create(module, { logger: false, abortOnError: false });
  try {
    const document = buildServiceDocument(app, service);
    const routes = registeredRoutes(app.get(ModulesContainer));
    const listed = new Set(Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`)));
    return {
      routes,
      missing: routes.filter((r) => !listed.has(r)),
      undocumented: undocumentedOperations(document),
      problems: openApiProblems(document),
      document,
    };
  } finally {
    await app.close();
  }
}

function registeredRoutes(modules: ModulesContainer): string[] {
  const routes = new Set<string>();
  for (const mod of modules.values()) {
    for (const wrapper of mod.controllers.values()) {
      const cls = wrapper.metatype as Type<unknown> | undefined;
      if (!cls) continue;
      const prefixes = ([] as string[]).concat((Reflect.getMetadata(PATH_METADATA, cls) as string | string[] | undefined) ?? '');
      for (const name of Object.getOwnPropertyNames(cls.prototype)) {
        const handler = (cls.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (paths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        for (const prefix of prefixes) {
          for (const path of ([] as string[]).concat(paths)) {
            const joined = `/${[prefix, path].filter(Boolean).join('/')}`.replace(/\/+/g, '/').replace(/\/$/, '') || '/';
            routes.add(`${method} ${joined.replace(/[:*]([A-Za-z0-9_]+)/g, '{$1}')}`);
          }
        }
      }
    }
  }
  return [...routes].sort();
}
