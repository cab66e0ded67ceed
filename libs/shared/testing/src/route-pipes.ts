import { DynamicModule, Type } from '@nestjs/common';
import { PIPES_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { controllers, withPassiveApp } from './controller-routes';

/**
 * Every pipe a service's controllers declare themselves (`@UsePipes` on a class or handler, or a
 * pipe given to `@Body(...)`, `@Query(...)`, `@Param(...)`), as `Controller.handler`. Validation is
 * the platform's one global pipe (decision 040): a controller-level pipe would validate its routes
 * a second way with other options and other error text.
 */
export async function listControllerPipes(module: DynamicModule | Type<unknown>): Promise<string[]> {
  return withPassiveApp(module, (app) => {
    const found: string[] = [];
    for (const cls of controllers(app)) {
      if (((Reflect.getMetadata(PIPES_METADATA, cls) as unknown[] | undefined) ?? []).length > 0) found.push(`${cls.name} (class)`);
      for (const name of Object.getOwnPropertyNames(cls.prototype)) {
        const handler = (cls.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const own = (Reflect.getMetadata(PIPES_METADATA, handler) as unknown[] | undefined) ?? [];
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, cls, name) as Record<string, { pipes?: unknown[] }> | undefined) ?? {};
        if (own.length > 0 || Object.values(args).some((a) => (a.pipes ?? []).length > 0)) found.push(`${cls.name}.${name}`);
      }
    }
    return found;
  });
}
