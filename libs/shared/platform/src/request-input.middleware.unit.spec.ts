import { expect } from '@jest/globals';
import { Body, Controller, Get, HttpCode, Module, Param, Post, Req } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Request } from 'express';
import request from 'supertest';
import { installBodyParsers } from './bootstrap';
import { ErrorFilter } from './errors';
import { JsonBodyGuard } from './json-body.guard';
import { SERVICE_DEFINITION } from './service-definition';

@Controller()
class EchoController {
  @Post(['api/2.0/mlflow/echo', 'api/things'])
  @HttpCode(200)
  echo(@Body() body: unknown) {
    return { body };
  }

  @Get('api/2.0/mlflow/things/:id')
  get(@Param('id') id: string) {
    return { id };
  }

  @Post('stream/upload')
  @HttpCode(200)
  stream(@Req() req: Request) {
    return { parsed: req.body !== undefined };
  }
}

const streamedBodyPaths = [/^\/stream\//];

@Module({
  controllers: [EchoController],
  providers: [
    { provide: SERVICE_DEFINITION, useValue: { streamedBodyPaths } },
    { provide: APP_GUARD, useClass: JsonBodyGuard },
    { provide: APP_FILTER, useClass: ErrorFilter },
  ],
})
class EchoModule {}

describe('request input checks (installBodyParsers)', () => {
  let app: NestExpressApplication;
  let server: ReturnType<NestExpressApplication['getHttpServer']>;

  beforeAll(async () => {
    app = await NestFactory.create<NestExpressApplication>(EchoModule, { logger: false, bodyParser: false });
    installBodyParsers(app, { streamedBodyPaths });
    await app.init();
    server = app.getHttpServer();
  });
  afterAll(() => app.close());

  const json = (path: string, text: string) => request(server).post(path).set('content-type', 'application/json').send(text);

  it.each([
    ['escaped NUL in a value', '{"name":"a\\u0000"}', /NUL/],
    ['escaped NUL in a key', '{"a\\u0000":"b"}', /NUL/],
    ['a lone high surrogate', '{"name":"\\ud800"}', /surrogate/],
    ['a lone low surrogate', '{"name":"\\udc00"}', /surrogate/],
    ['200-deep nesting', '{"a":'.repeat(200) + '1' + '}'.repeat(200), /deeper than 64/],
    ['malformed JSON', '{"name":', /Malformed JSON/],
    ['an array body', '[1,2]', /must be a JSON object/],
  ])('answers 400 INVALID_PARAMETER_VALUE in the MLflow dialect for %s', async (_name, text, message) => {
    const res = await json('/api/2.0/mlflow/echo', text);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(message) });
  });

  it('answers problem details off MLflow routes', async () => {
    const res = await json('/api/things', '{"description":"x\\u0000"}');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ title: 'INVALID_PARAMETER_VALUE', status: 400 });
  });

  it('passes a valid surrogate pair and non-ASCII text', async () => {
    const res = await json('/api/2.0/mlflow/echo', '{"name":"\\ud83d\\ude00 grüße"}');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ body: { name: '😀 grüße' } });
  });

  it('refuses a write without a body off MLflow routes, and reads it as an empty message on them', async () => {
    const off = await request(server).post('/api/things');
    expect(off.status).toBe(400);
    expect((off.body as { detail: string }).detail).toMatch(/body is required/);
    const on = await request(server).post('/api/2.0/mlflow/echo');
    expect(on.status).toBe(200);
    expect(on.body).toEqual({ body: {} });
  });

  it('refuses a body that is not JSON', async () => {
    const off = await request(server).post('/api/things').set('content-type', 'text/plain').send('not json');
    expect(off.status).toBe(415);
    const on = await request(server).post('/api/2.0/mlflow/echo').set('content-type', 'application/x-www-form-urlencoded').send('not json');
    expect(on.status).toBe(400);
    expect(on.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: "Bad Request. Content-Type must be one of ['application/json']." });
  });

  it('refuses NUL in a path segment and in the query', async () => {
    const path = await request(server).get('/api/2.0/mlflow/things/%00');
    expect(path.status).toBe(400);
    expect((path.body as { error_code: string }).error_code).toBe('INVALID_PARAMETER_VALUE');
    const query = await request(server).get('/api/2.0/mlflow/things/x?name=a%00');
    expect(query.status).toBe(400);
    expect((query.body as { message: string }).message).toMatch(/query string/);
    const malformed = await request(server).get('/api/2.0/mlflow/things/%ED%A0%80');
    expect(malformed.status).toBe(400);
  });

  it('answers an unknown route 404 whatever it was sent', async () => {
    const res = await request(server)
      .put('/api/2.0/mlflow/no-such-endpoint')
      .send(Buffer.alloc(1024 * 1024));
    expect(res.status).toBe(404);
  });

  it('leaves streamed bodies alone', async () => {
    const res = await request(server)
      .post('/stream/upload')
      .set('content-type', 'application/octet-stream')
      .send(Buffer.from([0, 0xed, 0xa0, 0x80]));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ parsed: false });
  });
});
