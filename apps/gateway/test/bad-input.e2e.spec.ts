import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { call, stackEnv } from '@custos/testing';

const API = '/api/2.0/mlflow';
const DOCS = ' See the API docs for more information about request parameters.';

/** A request whose body is sent exactly as written (the shared `call` always sends JSON.stringify). */
async function raw(method: string, path: string, body?: string, contentType?: string) {
  const env = stackEnv();
  const headers: Record<string, string> = { authorization: `Bearer ${env.adminKey}` };
  if (contentType) headers['content-type'] = contentType;
  const res = await fetch(`${env.gatewayUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // stays text: the assertions below then fail on the shape
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed as Record<string, unknown> };
}

const rawJson = (path: string, text: string, method = 'POST') => raw(method, path, text, 'application/json');

/** What MLflow answers for bad input: 400 INVALID_PARAMETER_VALUE with its message. */
function expectMlflow400(res: { status: number; body: unknown }, message: string | RegExp) {
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: typeof message === 'string' ? message : expect.stringMatching(message) });
}

function expectProblem4xx(res: { status: number; contentType: string; body: unknown }) {
  expect([400, 415]).toContain(res.status);
  expect(res.contentType).toMatch(/application\/problem\+json/);
  expect(res.body).toMatchObject({ status: res.status });
}

/**
 * Bad input through the gateway, on every service: NUL and lone surrogates anywhere, bodies that
 * are missing, not JSON or too deep, and MLflow fields of the wrong JSON type. Each is a 400 (or
 * 415) in the caller's dialect; none reaches PostgreSQL, none is a 5xx.
 */
describe('bad input is a 4xx, always', () => {
  let experimentId: string;
  let runId: string;
  let modelId: string;

  beforeAll(async () => {
    const exp = await call<{ experiment_id: string }>('POST', `${API}/experiments/create`, { body: { name: `e2e-bad-input-${randomUUID()}` } });
    experimentId = exp.body.experiment_id;
    const run = await call<{ run: { info: { run_id: string } } }>('POST', `${API}/runs/create`, { body: { experiment_id: experimentId, start_time: Date.now() } });
    runId = run.body.run.info.run_id;
    const model = await call<{ model: { info: { model_id: string } } }>('POST', `${API}/logged-models`, { body: { experiment_id: experimentId, name: 'm' } });
    modelId = model.body.model.info.model_id;
  });

  describe('NUL and lone surrogates', () => {
    const strings = [
      ['a NUL', 'a\u0000b', /NUL characters/],
      ['a lone high surrogate', 'a\ud800b', /unpaired UTF-16 surrogates/],
      ['a lone low surrogate', '\udc00', /unpaired UTF-16 surrogates/],
    ] as const;

    // JSON.stringify escapes all three (`\u0000`, `\ud800`, `\udc00`), as any JSON encoder would.
    const bodies: [string, string, (bad: string) => Record<string, unknown>][] = [
      ['a param value', 'runs/log-parameter', (bad) => ({ run_id: runId, key: 'p', value: bad })],
      ['a tag value', 'runs/set-tag', (bad) => ({ run_id: runId, key: 't', value: bad })],
      ['a tag key', 'runs/set-tag', (bad) => ({ run_id: runId, key: bad, value: 'v' })],
      ['a run name', 'runs/create', (bad) => ({ experiment_id: experimentId, run_name: bad })],
      ['an experiment name', 'experiments/create', (bad) => ({ name: bad })],
      ['a log-batch param', 'runs/log-batch', (bad) => ({ run_id: runId, params: [{ key: 'bp', value: bad }] })],
      ['a dataset source', 'runs/log-inputs', (bad) => ({ run_id: runId, datasets: [{ dataset: { name: 'd', digest: 'x', source_type: 'local', source: bad } }] })],
      ['a body key', 'runs/set-tag', (bad) => ({ run_id: runId, key: 't', value: 'v', [bad]: 1 })],
    ];

    for (const [what, bad, message] of strings) {
      it.each(bodies)(`refuses ${what} in %s`, async (_field, route, body) => {
        expectMlflow400(await rawJson(`${API}/${route}`, JSON.stringify(body(bad))), message);
      });

      it(`refuses ${what} in a logged-model tag, an experiment tag and an MLflow user name`, async () => {
        expectMlflow400(await rawJson(`${API}/logged-models/${modelId}/tags`, JSON.stringify({ tags: [{ key: 'k', value: bad }] }), 'PATCH'), message);
        expectMlflow400(await rawJson(`${API}/experiments/set-experiment-tag`, JSON.stringify({ experiment_id: experimentId, key: 'k', value: bad })), message);
        expectMlflow400(await rawJson(`${API}/users/create`, JSON.stringify({ username: bad, password: 'a-long-enough-password' })), message);
      });

      it(`refuses ${what} in an IP rule's description, in problem details`, async () => {
        const res = await rawJson('/api/gateway/ip-rules', JSON.stringify({ action: 'deny', cidr: '10.255.255.254/32', description: bad }));
        expectProblem4xx(res);
        expect(res.status).toBe(400);
        expect(res.body.title).toBe('INVALID_PARAMETER_VALUE');
      });
    }

    it('refuses NUL in path segments and query values, on every alias', async () => {
      expectMlflow400(await raw('GET', `${API}/logged-models/%00`), /request path/);
      expectMlflow400(await raw('GET', `/ajax-api/2.0/mlflow/logged-models/%00`), /request path/);
      expectMlflow400(await raw('DELETE', `${API}/logged-models/${modelId}/tags/%00`), /request path/);
      // An escaped lone surrogate is not UTF-8: the gateway refuses the path before routing (decision 027).
      const surrogate = await raw('GET', `${API}/logged-models/%ED%A0%80`);
      expect(surrogate.status).toBe(400);
      expect(surrogate.body).toEqual({ error_code: 'BAD_REQUEST', message: expect.stringMatching(/malformed request path/) });
      expectMlflow400(await raw('GET', `${API}/runs/get?run_id=%00`), /query string/);
      expectMlflow400(await raw('GET', `${API}/experiments/get-by-name?experiment_name=a%00`), /query string/);
      expectProblem4xx(await raw('GET', '/api/audit/events?actor=%00'));
    });

    it('still takes a valid surrogate pair and non-ASCII text', async () => {
      const res = await rawJson(`${API}/runs/set-tag`, JSON.stringify({ run_id: runId, key: 'emoji', value: '😀 grüße' }));
      expect(res.status).toBe(200);
      const run = await call<{ run: { data: { tags: { key: string; value: string }[] } } }>('GET', `${API}/runs/get?run_id=${runId}`);
      expect(run.body.run.data.tags).toContainEqual({ key: 'emoji', value: '😀 grüße' });
    });
  });

  describe('bodies that are missing, not JSON or too deep', () => {
    const deep = (n: number) => '{"name":' + '{"a":'.repeat(n) + '1' + '}'.repeat(n + 1);

    it.each([
      ['no body', () => raw('POST', '/api/authz/api-keys')],
      ['a text body', () => raw('POST', '/api/authz/api-keys', 'not json', 'text/plain')],
      ['a form body', () => raw('POST', '/api/authz/api-keys', 'not json', 'application/x-www-form-urlencoded')],
      ['malformed JSON', () => rawJson('/api/authz/api-keys', 'not json')],
      ['200-deep nesting', () => rawJson('/api/authz/api-keys', deep(200))],
      ['200-deep arrays', () => rawJson('/api/authz/api-keys', '['.repeat(200) + ']'.repeat(200))],
      ['a JSON array', () => rawJson('/api/authz/api-keys', '[]')],
      ['200-deep nesting on the gateway', () => rawJson('/api/gateway/ip-rules', deep(200))],
      ['no body on the gateway', () => raw('POST', '/api/gateway/ip-rules')],
    ])('POST with %s is a 4xx problem', async (_what, send) => {
      expectProblem4xx(await send());
    });

    it('answers MLflow routes in their dialect', async () => {
      expectMlflow400(await rawJson(`${API}/runs/log-batch`, '{"run_id":'), 'Malformed JSON in the request body.');
      expectMlflow400(await rawJson(`${API}/runs/log-batch`, deep(200)), /deeper than 64/);
      expectMlflow400(await raw('POST', `${API}/experiments/create`, 'name=x', 'application/x-www-form-urlencoded'), "Bad Request. Content-Type must be one of ['application/json'].");
      expectMlflow400(await raw('POST', `${API}/experiments/create`), `Missing value for required parameter 'name'.${DOCS}`);
    });
  });

  describe('MLflow fields of the wrong JSON type', () => {
    const wrongType = (value: string, name: string, type: string) => `Invalid value ${value} for parameter '${name}' supplied:  Hint: Value was of type '${type}'.${DOCS}`;

    it('refuses a number for an experiment name, and creates nothing', async () => {
      const name = String(Math.floor(Math.random() * 1e9));
      expectMlflow400(await rawJson(`${API}/experiments/create`, `{"name":${name}}`), wrongType(name, 'name', 'int'));
      const found = await call('GET', `${API}/experiments/get-by-name?experiment_name=${name}`);
      expect(found.status).toBe(404);
    });

    it.each([
      ['a number for a metric key', 'runs/log-metric', () => ({ run_id: runId, key: 31, value: 1, timestamp: 1 }), wrongType('31', 'key', 'int')],
      ['a number for a tag value', 'runs/set-tag', () => ({ run_id: runId, key: 'k', value: 31 }), wrongType('31', 'value', 'int')],
      ['a number for a run id', 'runs/delete', () => ({ run_id: 31 }), wrongType('31', 'run_id', 'int')],
      ['a list for a param value', 'runs/log-parameter', () => ({ run_id: runId, key: 'k', value: ['v'] }), wrongType('["v"]', 'value', 'list')],
      ['text for a timestamp', 'runs/log-metric', () => ({ run_id: runId, key: 'k', value: 1, timestamp: 'now' }), wrongType('"now"', 'timestamp', 'str')],
      ['a missing timestamp', 'runs/log-metric', () => ({ run_id: runId, key: 'k', value: 1 }), `Missing value for required parameter 'timestamp'.${DOCS}`],
      [
        'a null metric value in a log-batch',
        'runs/log-batch',
        () => ({ run_id: runId, metrics: [{ key: 'k', value: null, timestamp: 1 }] }),
        `Missing value for required parameter 'metrics[0].value'.${DOCS}`,
      ],
      [
        'a log-batch metric without a timestamp',
        'runs/log-batch',
        () => ({
          run_id: runId,
          metrics: [
            { key: 'k', value: 1, timestamp: 1 },
            { key: 'k', value: 1 },
          ],
        }),
        `Missing value for required parameter 'metrics[1].timestamp'.${DOCS}`,
      ],
      ['a number for a log-batch tag value', 'runs/log-batch', () => ({ run_id: runId, tags: [{ key: 'k', value: 31 }] }), wrongType('31', 'tags[0].value', 'int')],
    ])('refuses %s', async (_what, route, body, message) => {
      expectMlflow400(await rawJson(`${API}/${route}`, JSON.stringify(body())), message);
    });

    it('refuses a float for an artifact location', async () => {
      // JavaScript reads 9.0 as 9, so the hint says int where MLflow, reading Python floats, says float.
      expectMlflow400(await rawJson(`${API}/experiments/create`, `{"name":"e2e-${randomUUID()}","artifact_location":9.0}`), /^Invalid value 9(\.0)? for parameter 'artifact_location' supplied/);
    });

    it('keeps what the stock client sends working: int64 as strings, non-finite doubles as strings', async () => {
      const res = await rawJson(
        `${API}/runs/log-batch`,
        JSON.stringify({
          run_id: runId,
          metrics: [
            { key: 'loss', value: 'NaN', timestamp: '1700000000000', step: '3' },
            { key: 'loss', value: 0.5, timestamp: 1700000000001, step: 4 },
          ],
        }),
      );
      expect(res.status).toBe(200);
      const history = await call<{ metrics: { value: unknown; step: number }[] }>('GET', `${API}/metrics/get-history?run_id=${runId}&metric_key=loss`);
      expect(history.body.metrics.map((m) => [m.value, m.step])).toEqual([
        ['NaN', 3],
        [0.5, 4],
      ]);
    });
  });
});
