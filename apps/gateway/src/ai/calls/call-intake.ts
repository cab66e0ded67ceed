import { Inject, Injectable } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { TaskType } from '@custos/ai-domain';
import { currentContext, jsonDepthExceeds, MAX_JSON_DEPTH, SERVICE_CONFIG, unsafeJsonEscape, unsafeTextMessage } from '@custos/platform';
import { GatewayConfig } from '../../gateway.config';
import { CallError } from './call-error';
import { CallPipeline } from './call-pipeline.service';
import { FrontCodec } from './front-codec';

/** When the gateway first saw each request (set by the edge before authentication), for latency and the overhead header. */
const arrivals = new WeakMap<IncomingMessage, number>();

export function markArrival(req: IncomingMessage): void {
  arrivals.set(req, performance.now());
}

/** What a front's route hands over: the dialect, the task it serves, and where the endpoint's name is. */
export interface CallRoute {
  front: FrontCodec;
  task: TaskType | 'endpoint';
  /** the path's endpoint name (MLflow); absent: the body's `model` (OpenAI, Anthropic) */
  endpointName?: string;
}

/**
 * Where an AI route's request enters the call pipeline: its body read here, not by the JSON body
 * parser (AI paths are streamed-body paths), so a malformed, oversized, non-object or NUL-carrying
 * body is refused in the caller's dialect by the pipeline rather than in the platform's shape.
 */
@Injectable()
export class CallIntake {
  private readonly maxBytes: number;

  constructor(
    @Inject(SERVICE_CONFIG) config: GatewayConfig,
    private readonly pipeline: CallPipeline,
  ) {
    this.maxBytes = config.AI_MAX_REQUEST_BYTES;
  }

  async handle(route: CallRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ctx = currentContext();
    const principal = ctx?.principal;
    // The platform guard ran (every AI route has a policy), so there is a principal; the check keeps the types honest.
    if (!ctx || !principal) throw new Error('AI route reached without an authenticated principal');
    const body = await readJsonBody(req, res, this.maxBytes);
    const endpointName = route.endpointName ?? (isRecord(body) ? body.model : undefined);
    await this.pipeline.run({
      front: route.front,
      task: route.task,
      endpointName,
      body,
      req,
      res,
      principal,
      ids: { correlationId: ctx.correlationId, ...(ctx.clientCorrelationId ? { clientCorrelationId: ctx.clientCorrelationId } : {}) },
      clientIp: ctx.clientIp ?? '',
      method: req.method ?? 'POST',
      path: (req.url ?? '/').split('?')[0],
      startedAt: arrivals.get(req) ?? performance.now(),
    });
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The request's JSON object, or the CallError that refuses it: larger than the limit (413, said
 * before reading when Content-Length tells), empty, not JSON, not an object, NUL or lone-surrogate
 * escapes, nesting deeper than the platform allows.
 */
export async function readJsonBody(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<unknown> {
  const tooLarge = () => new CallError('body_too_large', `The request body is larger than this gateway accepts (${maxBytes} bytes).`);
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes * DRAIN_FACTOR) return closeAfterAnswer(req, res, tooLarge());
  let read: Buffer | 'too_large';
  try {
    read = await readUpTo(req, res, maxBytes);
  } catch {
    // The caller went away mid-body: nobody is left to answer, and nothing was sent upstream.
    return new CallError('invalid_request', 'The request body was cut short.');
  }
  if (read === 'too_large') return tooLarge();
  const buf = read;
  if (buf.byteLength === 0) return new CallError('invalid_request', 'A JSON object request body is required.');
  const unsafe = unsafeJsonEscape(buf);
  if (unsafe) return new CallError('invalid_request', unsafeTextMessage(unsafe, 'request body'));
  let value: unknown;
  try {
    value = JSON.parse(buf.toString('utf8'));
  } catch {
    return new CallError('invalid_request', 'Malformed JSON in the request body.');
  }
  if (!isRecord(value)) return new CallError('invalid_request', 'The request body must be a JSON object.');
  if (jsonDepthExceeds(value)) return new CallError('invalid_request', `The request body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels.`);
  return value;
}

/**
 * A body over the limit by at most this factor is read to its end and dropped before the answer,
 * so a client still sending can finish and read the 413 (a connection closed under its writes
 * fails them with EPIPE instead); a larger one is answered at once and its connection closed.
 */
const DRAIN_FACTOR = 4;

/** The body, or 'too_large' once it has passed the limit (the rest read and dropped). */
function readUpTo(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= maxBytes) parts.push(chunk);
      else if (size > maxBytes * DRAIN_FACTOR) {
        closeAfterAnswer(req, res, undefined);
        resolve('too_large');
      }
    });
    req.on('end', () => resolve(size > maxBytes ? 'too_large' : Buffer.concat(parts)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

/** Answers without reading the rest; the connection closes after the answer, so a client still sending is not left stalled. */
function closeAfterAnswer<T>(req: IncomingMessage, res: ServerResponse, e: T): T {
  res.setHeader('connection', 'close');
  req.resume();
  return e;
}
