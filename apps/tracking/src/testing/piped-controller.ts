import 'reflect-metadata';
import { Type } from '@nestjs/common';
import { Request } from 'express';
import { mlflowFieldKinds, platformValidationPipe } from '@custos/platform';

/** A controller whose DTO parameters also take a request as Express hands it (`post()`, `get()`). */
export type Piped<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: { [I in keyof A]: A[I] | Request }) => R : T[K];
};

const pipe = platformValidationPipe();

function isRequest(v: unknown): v is Request {
  return typeof v === 'object' && v !== null && 'method' in v && 'headers' in v;
}

/**
 * A controller called as Nest calls it: a request handed to a DTO parameter goes through the
 * platform's global pipe first (body on POST, query on GET), so tests see the DTO's conversions
 * and MLflow's refusals as a client does. A parameter typed `Request` (the hot path) gets it as is.
 */
export function piped<T extends object>(controller: T): Piped<T> {
  return new Proxy(controller, {
    get(target, prop, receiver) {
      const member: unknown = Reflect.get(target, prop, receiver);
      if (typeof member !== 'function' || typeof prop !== 'string') return member;
      const types = (Reflect.getMetadata('design:paramtypes', target, prop) as unknown[] | undefined) ?? [];
      return async (...args: unknown[]) => {
        const read = await Promise.all(
          args.map((a, i) => {
            const type = types[i];
            if (!isRequest(a) || !mlflowFieldKinds(type)) return a;
            const query = a.method === 'GET';
            return pipe.transform(query ? a.query : a.body, { type: query ? 'query' : 'body', metatype: type as Type<unknown> });
          }),
        );
        return (member as (...xs: unknown[]) => unknown).apply(target, read);
      };
    },
  }) as unknown as Piped<T>;
}
