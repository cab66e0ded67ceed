import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { SERVICE_CONFIG } from '@custos/platform';
import { DenialRecorder } from '../proxy/denials';
import { UiAssetsController } from './ui-assets.controller';

/** The controller alone (no guard: the proxy and the platform guard are tested elsewhere), over a build folder or none. */
async function serving(uiDir: string): Promise<NestExpressApplication> {
  @Module({
    controllers: [UiAssetsController],
    providers: [
      { provide: SERVICE_CONFIG, useValue: { MLFLOW_UI_DIR: uiDir } },
      { provide: DenialRecorder, useValue: {} },
    ],
  })
  class UiModule {}
  const app = await NestFactory.create<NestExpressApplication>(UiModule, { logger: false });
  await app.init();
  return app;
}

describe('UiAssetsController', () => {
  const root = mkdtempSync(join(tmpdir(), 'custos-ui-'));
  const build = join(root, 'build');
  mkdirSync(join(build, 'static', 'js'), { recursive: true });
  writeFileSync(join(build, 'index.html'), '<!doctype html><script src="static-files/static/js/main.0123abcd.js"></script>');
  writeFileSync(join(build, 'static', 'js', 'main.0123abcd.js'), 'console.log(1)');
  writeFileSync(join(build, 'manifest.json'), '{}');
  writeFileSync(join(root, 'secret.txt'), 'outside the build');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('serves index.html at / uncached, and the build files with their cache rules', async () => {
    const app = await serving(build);
    try {
      const index = await request(app.getHttpServer()).get('/');
      expect(index.status).toBe(200);
      expect(index.headers['content-type']).toMatch(/^text\/html/);
      expect(index.headers['cache-control']).toBe('no-store');
      const js = await request(app.getHttpServer()).get('/static-files/static/js/main.0123abcd.js');
      expect(js.status).toBe(200);
      expect(js.headers['cache-control']).toBe('private, max-age=2419200, immutable');
      expect((await request(app.getHttpServer()).get('/static-files/manifest.json')).headers['cache-control']).toBe('private, no-cache');
      expect((await request(app.getHttpServer()).get('/static-files/static/js/other.js')).status).toBe(404);
      expect((await request(app.getHttpServer()).get('/static-files/%2E%2E/secret.txt')).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it.each([
    ['no MLFLOW_UI_DIR', ''],
    ['a folder the build was never fetched into', '/nonexistent/custos-ui/build'],
  ])('starts without a build (%s) and says at / how to install it', async (_what, dir) => {
    const app = await serving(dir);
    try {
      const res = await request(app.getHttpServer()).get('/');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/MLflow web UI is not installed.*scripts\/mlflow-ui\.sh fetch/);
      expect((await request(app.getHttpServer()).get('/static-files/static/js/main.0123abcd.js')).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
