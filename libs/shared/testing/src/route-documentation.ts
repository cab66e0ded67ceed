import { DynamicModule, INestApplication, RequestMethod, Type } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildServiceDocument, openApiProblems, undocumentedOperations } from '@custos/platform';
import { controllerRoutes, withPassiveApp } from './controller-routes';

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
  return withPassiveApp(module, (app) => {
    const document = buildServiceDocument(app, service);
    const routes = registeredRoutes(app);
    const listed = new Set(Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`)));
    return {
      routes,
      missing: routes.filter((r) => !listed.has(r)),
      undocumented: undocumentedOperations(document),
      problems: openApiProblems(document),
      document,
    };
  });
}

function registeredRoutes(app: INestApplication): string[] {
  const routes = new Set(controllerRoutes(app).map(({ method, path }) => `${RequestMethod[method]} ${(path.replace(/\/$/, '') || '/').replace(/[:*]([A-Za-z0-9_]+)/g, '{$1}')}`));
  return [...routes].sort();
}
