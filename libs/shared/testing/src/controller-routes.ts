import { DynamicModule, INestApplication, RequestMethod, Type } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { runtimeMode } from '@custos/platform';

/** One route handler as Nest's controller metadata declares it. */
export interface ControllerRoute {
  controller: Type<unknown>;
  name: string;
  handler: object;
  method: RequestMethod;
  /** Controller prefix and handler path joined, `/`-led, slashes collapsed. */
  path: string;
}

/** A service's module built without connecting to anything (passive runtime), for the scans below. */
export async function withPassiveApp<T>(module: DynamicModule | Type<unknown>, fn: (app: INestApplication) => T | Promise<T>): Promise<T> {
  runtimeMode.passive = true;
  const app = await NestFactory.create(module, { logger: false, abortOnError: false });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** Every controller class the app registered. */
export function controllers(app: INestApplication): Type<unknown>[] {
  return [...app.get(ModulesContainer).values()].flatMap((mod) => [...mod.controllers.values()].map((w) => w.metatype as Type<unknown> | undefined)).filter((c): c is Type<unknown> => !!c);
}

/** Every route of every controller, one entry per prefix and path spelling. */
export function controllerRoutes(app: INestApplication): ControllerRoute[] {
  const routes: ControllerRoute[] = [];
  for (const controller of controllers(app)) {
    const prefixes = ([] as string[]).concat((Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined) ?? '');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (paths === undefined) continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
      for (const prefix of prefixes) {
        for (const path of ([] as string[]).concat(paths)) {
          routes.push({ controller, name, handler, method, path: `/${[prefix, path].filter(Boolean).join('/')}`.replace(/\/+/g, '/') });
        }
      }
    }
  }
  return routes;
}
