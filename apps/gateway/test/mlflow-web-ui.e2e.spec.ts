import { randomUUID } from 'node:crypto';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { call, stackEnv } from '@custos/testing';
import { keepScreenshot, launchChromium, signedIn, watchedPage } from './web-ui-browser';

// Generous: the UI parses 4 MB of script before its first call, and the test machine's CPUs are shared.
const RENDER_MS = 120_000;
const BROWSER_TEST_MS = 300_000;

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * MLflow's own web UI (the pinned mlflow release's build, served by the gateway) in a real headless
 * chromium, signed in with Basic credentials as an ordinary user. Each page must show the data the
 * API put there and make no request that fails: a 404 for a route the UI needs is a missing route.
 */
describe('MLflow web UI in a browser', () => {
  const suffix = randomUUID().slice(0, 8);
  const username = `ui-${suffix}`;
  const password = `pw-${randomUUID()}`;
  const auth = basic(username, password);
  const experimentName = `web-ui-${suffix}`;
  const runNames = [`run-a-${suffix}`, `run-b-${suffix}`];
  const artifactName = `notes-${suffix}.txt`;
  let experimentId: string;
  const runIds: string[] = [];
  let browser: Browser;
  let context: BrowserContext;

  const asUser = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await call<T>(method, path, { body, auth });
    if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };

  beforeAll(async () => {
    // The data, through the API first, as the user who then looks at it.
    const created = await call('POST', '/api/2.0/mlflow/users/create', { body: { username, password } });
    expect(created.status).toBe(200);
    ({ experiment_id: experimentId } = await asUser<{ experiment_id: string }>('POST', '/api/2.0/mlflow/experiments/create', { name: experimentName }));
    const t0 = Date.now();
    for (const [i, runName] of runNames.entries()) {
      const { run } = await asUser<{ run: { info: { run_id: string } } }>('POST', '/api/2.0/mlflow/runs/create', { experiment_id: experimentId, run_name: runName, start_time: t0 + i });
      runIds.push(run.info.run_id);
      await asUser('POST', '/api/2.0/mlflow/runs/log-batch', {
        run_id: run.info.run_id,
        metrics: [0, 1, 2, 3, 4].map((step) => ({ key: 'loss', value: (i + 1) / (step + 1), timestamp: t0 + step, step })),
        params: [{ key: 'learning_rate', value: `0.0${i + 1}` }],
      });
      await asUser('POST', '/api/2.0/mlflow/runs/update', { run_id: run.info.run_id, status: 'FINISHED', end_time: t0 + 10 });
    }
    const upload = await fetch(`${stackEnv().gatewayUrl}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runIds[0]}/artifacts/${artifactName}`, {
      method: 'PUT',
      headers: { authorization: auth },
      body: 'what the run wrote down',
    });
    expect(upload.status).toBe(200);
    browser = await launchChromium();
    context = await signedIn(browser, username, password);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  /** Opens a UI route, waits for the text that shows its data, lets the page settle, keeps a screenshot. */
  const open = async (name: string, hashRoute: string, expectTexts: string[]): Promise<{ page: Page; failures: string[] }> => {
    const watched = await watchedPage(context);
    const { page } = watched;
    try {
      await page.goto(`${stackEnv().gatewayUrl}/#${hashRoute}`);
      for (const text of expectTexts) await page.getByText(text, { exact: false }).filter({ visible: true }).first().waitFor({ state: 'visible', timeout: RENDER_MS });
      // Requests the page makes after the data shows (counts, charts, side panels) are judged too.
      await watched.settled();
    } catch (e) {
      // A page that never shows its data usually says why in the requests that failed.
      throw new Error(`${name}: ${(e as Error).message.split('\n')[0]}; failed requests: ${JSON.stringify(watched.failures)}`);
    } finally {
      await keepScreenshot(page, name);
    }
    return watched;
  };

  it(
    'lists the experiment and shows who is signed in, with no failed request',
    async () => {
      const { page, failures } = await open('experiment-list', '/experiments', [experimentName, username]);
      expect(failures).toEqual([]);
      await page.close();
    },
    BROWSER_TEST_MS,
  );

  it(
    "shows the experiment's runs table with both runs, with no failed request",
    async () => {
      const { page, failures } = await open('experiment-runs', `/experiments/${experimentId}/runs`, runNames);
      expect(failures).toEqual([]);
      await page.close();
    },
    BROWSER_TEST_MS,
  );

  it(
    "shows a run's metric chart, with no failed request",
    async () => {
      const { page, failures } = await open('run-metric-charts', `/experiments/${experimentId}/runs/${runIds[0]}/model-metrics`, [runNames[0], 'loss']);
      await page.locator('.js-plotly-plot').first().waitFor({ state: 'visible', timeout: RENDER_MS });
      await keepScreenshot(page, 'run-metric-charts');
      expect(failures).toEqual([]);
      await page.close();
    },
    BROWSER_TEST_MS,
  );

  it(
    "shows a run's artifact list, with no failed request",
    async () => {
      const { page, failures } = await open('run-artifacts', `/experiments/${experimentId}/runs/${runIds[0]}/artifacts`, [runNames[0], artifactName]);
      expect(failures).toEqual([]);
      await page.close();
    },
    BROWSER_TEST_MS,
  );
});

/** The wire underneath: the Basic challenge, the files and their caching, and MLflow's 3.0 info routes. */
describe('MLflow web UI and info routes on the wire', () => {
  const gateway = () => stackEnv().gatewayUrl;

  it('challenges a browser without credentials for Basic, on the page and on its files', async () => {
    for (const path of ['/', '/static-files/favicon.ico', '/ajax-api/3.0/mlflow/server-info']) {
      const res = await fetch(`${gateway()}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(res.headers.get('www-authenticate')).toMatch(/(^|, )Basic realm="[^"]*"/);
    }
  });

  it('serves index.html uncached and the content-hashed files it references cacheable', async () => {
    const headers = { authorization: `Bearer ${stackEnv().adminKey}` };
    const index = await fetch(`${gateway()}/`, { headers });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-store');
    const html = await index.text();
    const script = /src="(static-files\/static\/js\/main\.[0-9a-f]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${gateway()}/${script}`, { headers });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toBe('private, max-age=2419200, immutable');
    await js.arrayBuffer();
    const missing = await fetch(`${gateway()}/static-files/static/js/not-there.js`, { headers });
    expect(missing.status).toBe(404);
    // Only the build's own files: nothing outside it, however the path is spelled.
    for (const path of ['/static-files/%2e%2e/%2e%2e/package.json', '/static-files/..%2f..%2fpackage.json', '/static-files/.complete']) {
      expect((await fetch(`${gateway()}${path}`, { headers })).status).toBeGreaterThanOrEqual(400);
    }
  });

  it("answers MLflow's server-info, and telemetry, the assistant and the AI gateway proxy as switched off", async () => {
    for (const path of ['/ajax-api/3.0/mlflow/server-info', '/api/3.0/mlflow/server-info']) {
      const info = await call('GET', path);
      expect(info.status).toBe(200);
      expect(info.body).toEqual({
        store_type: null,
        workspaces_enabled: false,
        trace_archival_enabled: false,
        multipart_uploads_enabled: false,
        multipart_downloads_enabled: false,
        presigned_upload_run_id_supported: false,
        presigned_upload_model_id_supported: false,
        features_enabled: { gateway: false },
      });
    }
    expect((await call('GET', '/ajax-api/3.0/mlflow/ui-telemetry')).body).toEqual({ disable_ui_telemetry: true, disable_ui_events: [], ui_rollout_percentage: 0 });
    expect((await call('POST', '/ajax-api/3.0/mlflow/ui-telemetry', { body: { records: [{ event_name: 'x' }] } })).body).toEqual({ status: 'disabled' });
    expect((await call('GET', '/ajax-api/3.0/mlflow/assistant/config')).body).toEqual({ providers: {}, projects: {}, remote_access_allowed: false });
    expect((await call('GET', '/ajax-api/3.0/mlflow/assistant/providers')).body).toEqual({ providers: [], resolved: null, gateway_vendor_options: {} });
    const message = await call('POST', '/ajax-api/3.0/mlflow/assistant/message', { body: { message: 'hello' } });
    expect(message).toMatchObject({ status: 501, body: { error_code: 'NOT_IMPLEMENTED' } });
    expect((await call('GET', '/ajax-api/2.0/mlflow/gateway-proxy?gateway_path=api%2F2.0%2Fendpoints%2F')).body).toEqual({ endpoints: [] });
  });
});
