import type { OpenAPIObject } from '@nestjs/swagger';
import { mergeOpenApiDocuments } from './openapi-merge';
import { openApiProblems, undocumentedOperations } from './openapi-structure';

const body = (ref: string) => ({ content: { 'application/json': { schema: { $ref: ref } } } });

function doc(paths: OpenAPIObject['paths'], schemas: Record<string, unknown> = { A: { type: 'object' } }): OpenAPIObject {
  return { openapi: '3.0.0', info: { title: 't', version: '1' }, paths, components: { schemas: schemas as never } };
}

describe('openApiProblems', () => {
  it('finds nothing wrong in a sound document', () => {
    const d = doc({
      '/a/{id}': { get: { operationId: 'a', parameters: [{ name: 'id', in: 'path', required: true }], responses: { '200': { description: 'ok', ...body('#/components/schemas/A') } } } },
    });
    expect(openApiProblems(d)).toEqual([]);
  });

  it('names repeated operation ids, references to nothing, undeclared path parameters and a wrong version', () => {
    const d = {
      ...doc({
        '/a': { get: { operationId: 'same', responses: { '200': { description: 'ok', ...body('#/components/schemas/Missing') } } } },
        '/b/{id}': { post: { operationId: 'same', responses: { '200': { description: 'ok' } } } },
        '/c': { get: { responses: {} } },
      }),
      openapi: '2.0',
    };
    expect(openApiProblems(d)).toEqual([
      'openapi version "2.0" is not 3.x.y',
      'POST /b/{id} repeats operationId same of GET /a',
      'POST /b/{id} does not declare its path parameter id',
      'GET /c has no operationId',
      'GET /c has no responses',
      '$ref #/components/schemas/Missing resolves to nothing',
    ]);
  });
});

describe('undocumentedOperations', () => {
  it('wants a described answer, and a request body on writes', () => {
    const d = doc({
      '/described': { get: { operationId: 'a', responses: { '200': { description: 'ok', ...body('#/components/schemas/A') } } } },
      '/bare': { get: { operationId: 'b', responses: { '200': { description: 'what swagger adds on its own' } } } },
      '/write': { post: { operationId: 'c', responses: { '200': { description: 'ok', ...body('#/components/schemas/A') } } } },
      '/gone': { delete: { operationId: 'd', responses: { '204': { description: 'no content' } } } },
    });
    expect(undocumentedOperations(d)).toEqual(['GET /bare', 'POST /write']);
  });
});

describe('mergeOpenApiDocuments', () => {
  const op = (id: string) => ({ get: { operationId: id, responses: { '200': { description: 'ok', ...body('#/components/schemas/A') } } } });

  it('refuses two services documenting one operation', () => {
    const parts = ['x', 'y'].map((service) => ({ service, document: doc({ '/same': op(service) }), exposes: () => true }));
    expect(() => mergeOpenApiDocuments({ title: 'm', version: '1' }, parts)).toThrow('GET /same is documented by both x and y');
  });

  it('shares a schema both define alike, renames one defined differently, and reports what it dropped', () => {
    const { document, dropped } = mergeOpenApiDocuments({ title: 'm', version: '1' }, [
      { service: 'x', document: doc({ '/x': op('x'), '/hidden': op('h') }), exposes: (p) => p !== '/hidden' },
      { service: 'y', document: doc({ '/y': op('y') }), exposes: () => true },
      { service: 'z', document: doc({ '/z': op('z') }, { A: { type: 'string' } }), exposes: () => true },
    ]);
    expect(Object.keys(document.paths)).toEqual(['/x', '/y', '/z']);
    expect(dropped).toEqual(['x GET /hidden']);
    expect(document.components?.schemas).toEqual({ A: { type: 'object' }, 'z.A': { type: 'string' } });
    expect(JSON.stringify(document.paths['/y'])).toContain('"#/components/schemas/A"');
    expect(JSON.stringify(document.paths['/z'])).toContain('"#/components/schemas/z.A"');
    expect(document.paths['/z'].get?.tags).toEqual(['z']);
    expect(openApiProblems(document)).toEqual([]);
  });
});
