// The open-loop loader for streamed chat completions (vegeta cannot time a stream's first byte).
// Request i is due at t0 + i/rate and is sent then, whatever the earlier ones are doing, so a slow
// server cannot slow the arrivals down (no coordinated omission); every time is measured from the
// request's due time, not from when it actually left, so lateness of the loader itself counts too.
//
// A stream is a success when it answers 200 with text/event-stream and carries at least the expected
// number of content chunks (`data:` events with a string `content`) before the timeout; anything else
// is an error with its reason. `[DONE]` is not required: MLflow's gateway ends its streams without it.
// TTFB is the first body byte (the first SSE event), total is the end of the body.
import { Agent, request } from 'undici';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {{url: string, headers: Record<string,string>, body: object, rate: number, durationS: number,
 *          timeoutMs?: number, expectChunks?: number}} o
 * @returns {Promise<{samples: {ttfb: number, total: number}[], errors: Record<string, number>, sent: number, lateMaxMs: number, elapsedS: number}>}
 */
export async function streamAttack(o) {
  const { url, headers, body, rate, durationS, timeoutMs = 10_000, expectChunks } = o;
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: null, pipelining: 1 });
  const payload = JSON.stringify({ ...body, stream: true });
  const hdrs = { 'content-type': 'application/json', accept: 'text/event-stream', ...headers };
  const n = Math.max(1, Math.round(rate * durationS));
  const samples = [];
  const errors = {};
  const fail = (why) => (errors[why] = (errors[why] ?? 0) + 1);
  let lateMaxMs = 0;

  async function one(due) {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    try {
      const res = await request(url, { method: 'POST', headers: hdrs, body: payload, dispatcher: agent, signal: ac.signal });
      let ttfb;
      let text = '';
      for await (const chunk of res.body) {
        if (ttfb === undefined) ttfb = performance.now() - due;
        text += chunk.toString('utf8');
      }
      const total = performance.now() - due;
      if (res.statusCode !== 200) return fail(`status ${res.statusCode}`);
      if (!String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) return fail('not text/event-stream');
      if (expectChunks !== undefined) {
        const content = text.split('\n').filter((l) => /^data:\s*\{/.test(l) && /"content":\s*"/.test(l)).length;
        if (content < expectChunks) return fail(`${content} content chunks, expected ${expectChunks}`);
      }
      samples.push({ ttfb, total });
    } catch (e) {
      fail(ac.signal.aborted ? 'timeout' : (e.code ?? e.name ?? 'error'));
    } finally {
      clearTimeout(timer);
    }
  }

  const t0 = performance.now() + 20;
  const inflight = [];
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    lateMaxMs = Math.max(lateMaxMs, performance.now() - due);
    inflight.push(one(due));
  }
  await Promise.all(inflight);
  const elapsedS = (performance.now() - t0) / 1000;
  await agent.close();
  return { samples, errors, sent: n, lateMaxMs, elapsedS };
}
