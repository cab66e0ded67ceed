import { Inject, Injectable, Optional } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Logger } from 'pino';
import { AiEndpoint, EndpointTarget, supportsTask, TaskType, UpstreamError, Usage } from '@custos/ai-domain';
import { atLeast, Principal } from '@custos/rbac';
import { LOGGER } from '@custos/platform';
import { actorOf, DenialRecorder, RequestIds } from '../../proxy/denials';
import { AiEndpointDirectory } from '../ai-endpoint-directory';
import { UsageRecorder } from '../usage/usage-recorder.service';
import { CallAttempts } from './call-attempts';
import { CallError, errorClassOf } from './call-error';
import { AFTER_CALL_HOOKS, AfterCallHook, BEFORE_CALL_HOOKS, BeforeCallHook, CallContext } from './call-hooks';
import { CallFailure, FrontCodec, ParsedCall } from './front-codec';
import { ProviderAdapters } from './provider-adapters';
import { promptText, TOKEN_ESTIMATOR, TokenEstimator } from './call-usage';

/** One caller's call as its controller hands it over. */
export interface AiCall {
  front: FrontCodec;
  /** what the route serves: /v1/chat/completions is chat; an MLflow invocation is whatever its endpoint serves */
  task: TaskType | 'endpoint';
  /** from the path (MLflow), or the body's `model` (OpenAI, Anthropic) */
  endpointName: unknown;
  /** the parsed JSON body, or why it could not be read (malformed, too large, not JSON) */
  body: unknown;
  req: IncomingMessage;
  res: ServerResponse;
  principal: Principal;
  ids: RequestIds;
  clientIp: string;
  method: string;
  path: string;
  /** performance.now() when the request arrived */
  startedAt: number;
}

/** What the attempts learned, for the headers and the usage record. */
export interface CallState {
  target?: EndpointTarget;
  usage?: Usage;
  retries: number;
  fallbackUsed: boolean;
  streamed: boolean;
  status: number;
  errorClass?: string;
  timeToFirstByteMs?: number;
  /** time spent waiting on providers (every attempt), so the overhead header is the gateway's share only */
  upstreamMs: number;
}

/**
 * The per-call pipeline (decision 043): resolve the endpoint → USE permission → task → unknown
 * parameters → before hooks → attempts (CallAttempts: retries, fallback, weighted choice, streaming
 * pass-through) → after hooks → one usage record. Every refusal is answered in the caller's dialect.
 */
@Injectable()
export class CallPipeline {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly directory: AiEndpointDirectory,
    private readonly adapters: ProviderAdapters,
    private readonly usage: UsageRecorder,
    private readonly denials: DenialRecorder,
    @Inject(TOKEN_ESTIMATOR) private readonly estimator: TokenEstimator,
    private readonly attempts: CallAttempts,
    @Optional() @Inject(BEFORE_CALL_HOOKS) private readonly before: BeforeCallHook[] = [],
    @Optional() @Inject(AFTER_CALL_HOOKS) private readonly after: AfterCallHook[] = [],
  ) {}

  async run(call: AiCall): Promise<void> {
    const ended = this.usage.track();
    try {
      await this.runTracked(call);
    } finally {
      ended();
    }
  }

  private async runTracked(call: AiCall): Promise<void> {
    const state: CallState = { retries: 0, fallbackUsed: false, streamed: false, status: 200, upstreamMs: 0 };
    call.res.setHeader('x-request-id', call.ids.correlationId);
    const name = typeof call.endpointName === 'string' && call.endpointName !== '' ? call.endpointName.slice(0, 256) : undefined;
    let ctx: CallContext | undefined;
    let endpoint: AiEndpoint | undefined;
    try {
      if (call.body instanceof CallError) throw call.body;
      endpoint = await this.admit(call, name);
      const parsed = this.parse(call, endpoint);
      state.streamed = parsed.request.stream === true;
      ctx = { correlationId: call.ids.correlationId, principal: call.principal, clientIp: call.clientIp, endpoint, front: call.front.name, request: parsed.request };
      for (const h of this.before) await h.beforeCall(ctx);
      await this.attempts.run(call, endpoint, parsed.request, state);
    } catch (e) {
      const failure = this.failureOf(e, call);
      state.errorClass = errorClassOf(failure);
      if (!call.res.headersSent && !call.res.destroyed) state.status = this.answerError(call, failure);
      else if (!call.res.writableEnded) call.res.end();
    } finally {
      const latencyMs = Math.round(performance.now() - call.startedAt);
      if (ctx) await this.afterHooks(ctx, state, latencyMs, call);
      // A call that named no endpoint the caller may see is not usage of one (its refusal is in the access log and, if denied, in audit).
      if (name && endpoint) this.recordUsage(call, endpoint, state, latencyMs, ctx);
    }
  }

  /** The endpoint, if it exists and the caller may USE it; both refusals read the same, so names do not leak. */
  private async admit(call: AiCall, name: string | undefined): Promise<AiEndpoint> {
    if (name === undefined) throw new CallError('invalid_request', call.front.name === 'mlflow' ? 'The request must name an endpoint.' : "The request must name an endpoint in 'model'.", 'model');
    const endpoint = this.directory.get(name);
    const hidden = new CallError('endpoint_not_found', `The endpoint '${name}' does not exist or you do not have access to it.`, 'model');
    if (!endpoint) throw hidden;
    if (!atLeast(this.directory.permission(call.principal, endpoint), 'USE')) {
      await this.denials.record(
        call.ids,
        call.clientIp,
        { reason: 'forbidden', method: call.method, path: call.path.slice(0, 2048), status: 404, detail: `no USE permission on AI endpoint ${name}`.slice(0, 512) },
        actorOf(call.principal),
      );
      throw hidden;
    }
    return endpoint;
  }

  private parse(call: AiCall, endpoint: AiEndpoint): ParsedCall {
    if (call.task !== 'endpoint' && call.task !== endpoint.task) {
      throw new CallError('wrong_task', `The endpoint '${endpoint.name}' serves ${endpoint.task}; it cannot answer ${call.task} calls.`, 'model');
    }
    const parsed = call.front.parse(endpoint.task, call.body, endpoint.unknownParams);
    if (parsed.dropped.length > 0) call.res.setHeader('x-custos-dropped-params', parsed.dropped.join(', ').slice(0, 1024));
    if (parsed.request.stream === true && !endpoint.targets.some((t) => this.canStream(t, endpoint.task))) {
      throw new CallError('stream_unsupported', `The endpoint '${endpoint.name}' cannot stream: its provider does not stream ${endpoint.task}.`, 'stream');
    }
    return parsed;
  }

  private canStream(t: EndpointTarget, task: TaskType): boolean {
    const a = this.adapters.get(t.provider);
    if (!a || !supportsTask(a, task)) return false;
    return task === 'llm/v1/chat' ? !!a.chat?.stream : task === 'llm/v1/completions' ? !!a.completions?.stream : false;
  }

  private failureOf(e: unknown, call: AiCall): CallFailure {
    if (e instanceof CallError || e instanceof UpstreamError) return e;
    // A fault of the gateway's own: logged (never with the body), answered as a failed upstream call.
    this.logger.error({ err: (e as Error)?.message, correlationId: call.ids.correlationId }, 'AI call failed in the gateway');
    return new UpstreamError('protocol', 'The call failed in the gateway.');
  }

  private answerError(call: AiCall, f: CallFailure): number {
    const { status, headers, body } = call.front.error(f, call.ids.correlationId);
    for (const [k, v] of Object.entries(headers)) call.res.setHeader(k, v);
    call.res.statusCode = status;
    call.res.setHeader('content-type', 'application/json');
    call.res.end(JSON.stringify(body));
    return status;
  }

  private async afterHooks(ctx: CallContext, state: CallState, latencyMs: number, call: AiCall): Promise<void> {
    for (const h of this.after) {
      try {
        await h.afterCall(ctx, { status: state.status, usage: state.usage, errorClass: state.errorClass, latencyMs });
      } catch (e) {
        this.logger.error({ err: (e as Error).message, correlationId: call.ids.correlationId }, 'an after-call hook failed');
      }
    }
  }

  private recordUsage(call: AiCall, endpoint: AiEndpoint, state: CallState, latencyMs: number, ctx: CallContext | undefined): void {
    // A call that reached a provider and got no counts back is counted by the tokenizer; a refused one spent nothing.
    const usage =
      state.usage ?? (state.target && ctx ? { prompt_tokens: this.estimator.count(promptText(ctx.request), state.target.model), completion_tokens: 0, total_tokens: 0, estimated: true } : undefined);
    this.usage.record({
      data: {
        principal: call.principal.id.slice(0, 256),
        endpoint: endpoint.name,
        ...(state.target ? { provider: state.target.provider, upstreamModel: state.target.model.slice(0, 256) } : {}),
        front: call.front.name,
        task: endpoint.task,
        tokensIn: usage?.prompt_tokens ?? 0,
        tokensOut: usage?.completion_tokens ?? 0,
        tokensCached: usage?.cached_tokens ?? 0,
        estimated: usage?.estimated === true,
        latencyMs,
        ...(state.timeToFirstByteMs !== undefined ? { timeToFirstTokenMs: state.timeToFirstByteMs } : {}),
        status: state.status,
        ...(state.errorClass ? { errorClass: state.errorClass.slice(0, 64) } : {}),
        retries: state.retries,
        fallbackUsed: state.fallbackUsed,
        streamed: state.streamed,
        ...(call.clientIp ? { clientAddress: call.clientIp.slice(0, 64) } : {}),
        correlationId: call.ids.correlationId,
      },
      metadata: {
        correlationId: call.ids.correlationId,
        ...(call.ids.clientCorrelationId ? { clientCorrelationId: call.ids.clientCorrelationId } : {}),
        actor: actorOf(call.principal),
        ...(call.clientIp ? { clientIp: call.clientIp } : {}),
      },
    });
  }
}
