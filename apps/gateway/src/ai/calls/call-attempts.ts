import { Inject, Injectable, Optional } from '@nestjs/common';
import { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { AiEndpoint, attemptOrder, EndpointTarget, nextStep, ProviderAdapter, Random, RetryPolicy, StreamDecoder, TaskTranslation, TaskType, UpstreamError, Usage } from '@custos/ai-domain';
import { SERVICE_CONFIG } from '@custos/platform';
import { GatewayConfig } from '../../gateway.config';
import { AiEndpointDirectory } from '../ai-endpoint-directory';
import { readText, UpstreamClient, upstreamErrorOf, UpstreamResponse } from '../upstream/upstream-client';
import { errorClassOf } from './call-error';
import type { AiCall, CallState } from './call-pipeline.service';
import { chunkText, promptText, replyText, settleUsage, TOKEN_ESTIMATOR, TokenEstimator } from './call-usage';
import { CanonicalChunk, CanonicalRequest, CanonicalResponse } from './front-codec';
import { ProviderAdapters } from './provider-adapters';

export const AI_RANDOM = Symbol('AI_RANDOM');

type AnyTranslation = TaskTranslation<CanonicalRequest, CanonicalResponse, CanonicalChunk>;

/** The caller went away: nothing to answer, and not the provider's failure. */
class ClientGone extends Error {}

/**
 * The attempts of one admitted call: targets in fallback order (weighted among equals), retries
 * with backoff on connect errors, timeouts, 429 and 5xx while nothing has reached the caller, and
 * the reply passed through (a stream chunk by chunk, never buffered whole). The caller leaving
 * aborts the provider's request at once; a failure after the first byte ends the stream with the
 * dialect's error event.
 */
@Injectable()
export class CallAttempts {
  private readonly policy: RetryPolicy;
  private readonly maxReplyBytes: number;

  constructor(
    @Inject(SERVICE_CONFIG) config: GatewayConfig,
    private readonly directory: AiEndpointDirectory,
    private readonly adapters: ProviderAdapters,
    private readonly client: UpstreamClient,
    @Inject(TOKEN_ESTIMATOR) private readonly estimator: TokenEstimator,
    @Optional() @Inject(AI_RANDOM) private readonly random: Random = Math.random,
  ) {
    this.policy = { retriesPerTarget: config.AI_RETRIES_PER_TARGET, baseDelayMs: config.AI_RETRY_BASE_MS, maxDelayMs: config.AI_RETRY_MAX_MS };
    this.maxReplyBytes = config.AI_MAX_REPLY_BYTES;
  }

  async run(call: AiCall, endpoint: AiEndpoint, request: CanonicalRequest, state: CallState): Promise<void> {
    const abort = new AbortController();
    const total = setTimeout(() => abort.abort(new UpstreamError('timeout', `the call took longer than the endpoint's ${endpoint.timeouts.totalMs} ms limit`)), endpoint.timeouts.totalMs);
    const onClose = () => {
      if (!call.res.writableFinished) abort.abort(new ClientGone('the caller closed the connection'));
    };
    call.res.once('close', onClose);
    try {
      await this.tryTargets(call, endpoint, request, state, abort.signal);
    } catch (e) {
      if (abort.signal.reason instanceof ClientGone) {
        state.status = 499;
        state.errorClass = 'client_closed';
        return;
      }
      throw e;
    } finally {
      clearTimeout(total);
      call.res.off('close', onClose);
    }
  }

  private async tryTargets(call: AiCall, endpoint: AiEndpoint, request: CanonicalRequest, state: CallState, signal: AbortSignal): Promise<void> {
    const plan = attemptOrder(endpoint.targets, this.random);
    let attempts = 0;
    for (let i = 0; i < plan.length; i++) {
      for (let retriesOnTarget = 0; ;) {
        if (attempts++ > 0) state.retries++;
        if (i > 0) state.fallbackUsed = true;
        try {
          await this.attempt(call, endpoint, plan[i], request, state, signal);
          return;
        } catch (e) {
          if (signal.reason instanceof ClientGone) throw signal.reason;
          const err = upstreamErrorOf(e, signal);
          const step = nextStep(this.policy, { error: err, sentToCaller: call.res.headersSent, retriesOnTarget, moreTargets: i < plan.length - 1 }, this.random);
          if (step.kind === 'fail') throw err;
          if (step.kind === 'next_target') break;
          retriesOnTarget++;
          state.upstreamMs += step.delayMs;
          await sleep(step.delayMs, signal);
        }
      }
    }
    throw new UpstreamError('connection', 'the endpoint has no target');
  }

  private translation(adapter: ProviderAdapter | undefined, task: TaskType): AnyTranslation | undefined {
    const t = task === 'llm/v1/chat' ? adapter?.chat : task === 'llm/v1/completions' ? adapter?.completions : adapter?.embeddings;
    return t as AnyTranslation | undefined;
  }

  private async attempt(call: AiCall, endpoint: AiEndpoint, target: EndpointTarget, request: CanonicalRequest, state: CallState, signal: AbortSignal): Promise<void> {
    state.target = target;
    const adapter = this.adapters.get(target.provider);
    const tr = this.translation(adapter, endpoint.task);
    if (!adapter || !tr) throw new UpstreamError('protocol', `the provider ${target.provider} cannot serve ${endpoint.task}`);
    const stream = request.stream === true && !!tr.stream;
    const credential = await this.directory.credential(target.secretId).catch(() => {
      // A target whose stored secret is gone is misconfigured, like a refused key (never retried on that target).
      throw new UpstreamError('auth', "the target's stored credential is missing");
    });
    const upstreamRequest = await tr.request(target, credential, {
      ...request,
      model: target.model,
      ...(stream ? { stream: true, stream_options: { ...(('stream_options' in request && request.stream_options) || {}), include_usage: true } } : { stream: false }),
    } as CanonicalRequest);
    const sentAt = performance.now();
    let waited = false;
    const stopWaiting = () => {
      if (!waited) state.upstreamMs += performance.now() - sentAt;
      waited = true;
    };
    try {
      const up = await this.client.send(upstreamRequest, endpoint.timeouts, signal);
      if (up.status < 200 || up.status > 299) {
        const body = await readText(up.body, this.maxReplyBytes, signal);
        throw adapter.error({ status: up.status, headers: up.headers, body });
      }
      if (stream && tr.stream) {
        stopWaiting();
        return await this.relay(call, endpoint, target, request, tr.stream(target), up, state, signal);
      }
      const text = await readText(up.body, this.maxReplyBytes, signal);
      stopWaiting();
      const reply = tr.response({ status: up.status, headers: up.headers, body: text }, target);
      state.usage = settleUsage(reply.usage as Usage | undefined, this.estimator, target.model, promptText(request), replyText(reply));
      // A provider that reports no counts still gives the caller some: the tokenizer's, marked estimated in the usage record.
      if (!reply.usage) reply.usage = state.usage;
      const body = JSON.stringify(call.front.response(endpoint.task, reply, endpoint.name));
      this.setHeaders(call, endpoint, target, state);
      call.res.writeHead(200, { 'content-type': 'application/json' });
      state.timeToFirstByteMs = Math.round(performance.now() - call.startedAt);
      call.res.end(body);
    } catch (e) {
      // A failed attempt's wait was the provider's, not the gateway's.
      stopWaiting();
      throw e;
    }
  }

  /** Passes a stream through as it arrives; usage comes from the provider's last chunk or the tokenizer. */
  private async relay(
    call: AiCall,
    endpoint: AiEndpoint,
    target: EndpointTarget,
    request: CanonicalRequest,
    decoder: StreamDecoder<CanonicalChunk>,
    up: UpstreamResponse,
    state: CallState,
    signal: AbortSignal,
  ): Promise<void> {
    const res = call.res;
    const writer = call.front.stream(endpoint.task, endpoint.name, request);
    let reported: Usage | undefined;
    let last: CanonicalChunk | undefined;
    let produced = '';
    const start = () => {
      this.setHeaders(call, endpoint, target, state);
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      res.flushHeaders();
      state.timeToFirstByteMs = Math.round(performance.now() - call.startedAt);
    };
    const emit = async (chunks: CanonicalChunk[]) => {
      for (const c of chunks) {
        if (c.usage) reported = c.usage;
        last = c;
        produced += chunkText(c);
        const text = writer.push(c);
        if (!text) continue;
        if (!res.headersSent) start();
        if (!res.write(text)) await drained(res, signal);
      }
    };
    try {
      for await (const bytes of up.body) await emit(decoder.push(bytes));
      await emit(decoder.end());
    } catch (e) {
      if (!res.headersSent || signal.reason instanceof ClientGone) throw e;
      // Past the first byte nothing can be retried: the caller is told in its dialect, then the stream ends.
      const failure = upstreamErrorOf(e, signal);
      state.errorClass = errorClassOf(failure);
      state.usage = settleUsage(reported, this.estimator, target.model, promptText(request), produced);
      res.end(call.front.streamError(failure, call.ids.correlationId));
      return;
    }
    if (!res.headersSent) start();
    state.usage = settleUsage(reported, this.estimator, target.model, promptText(request), produced);
    // No counts from the provider: the stream still ends with usage (the tokenizer's) for callers that asked for it.
    const counts = !reported && last ? writer.push({ id: last.id, created: last.created, model: last.model, choices: [], usage: state.usage }) : '';
    res.end(counts + writer.end());
  }

  private setHeaders(call: AiCall, endpoint: AiEndpoint, target: EndpointTarget, state: CallState): void {
    const res = call.res;
    res.setHeader('x-custos-endpoint', endpoint.name);
    res.setHeader('x-custos-target', `${target.provider}/${target.model}`);
    // The gateway's own share of the time so far: everything but waiting on providers (and on backoff between attempts).
    const overhead = Math.max(0, performance.now() - call.startedAt - state.upstreamMs);
    res.setHeader('x-custos-overhead-ms', overhead.toFixed(2));
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Waits for the caller to take more (backpressure); a caller that left ends the wait too. */
function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
