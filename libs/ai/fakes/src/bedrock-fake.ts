import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { FakeReply, FakeUpstream, RecordedRequest, startFakeUpstream } from './fake-server';
import { FAKE_EMBEDDING, FAKE_REPLY_TEXT, FAKE_RETRY_AFTER_SECONDS, FAKE_TOOL_INPUT, FAKE_USAGE, FakeOptions, jsonBody, replyPieces, scenarioOf } from './fake-scenarios';

const ROUTE = /^\/model\/([^/?]+)\/(converse|converse-stream|invoke)(\?.*)?$/;
/** The shape of a SigV4 Authorization header; the fake checks its form, not the signature. */
const SIGV4 = /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([a-z0-9-]+)\/bedrock\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$/;

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const str = (value: string) => ({ type: 'string' as const, value });

function error(status: number, type: string, message: string, headers: Record<string, string> = {}): FakeReply {
  return { status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, ...headers }, body: JSON.stringify({ message }) };
}

function event(type: string, body: unknown): Buffer {
  return Buffer.from(codec.encode({ headers: { ':event-type': str(type), ':content-type': str('application/json'), ':message-type': str('event') }, body: fromUtf8(JSON.stringify(body)) }));
}

function exception(type: string, message: string): Buffer {
  return Buffer.from(
    codec.encode({ headers: { ':exception-type': str(type), ':content-type': str('application/json'), ':message-type': str('exception') }, body: fromUtf8(JSON.stringify({ message })) }),
  );
}

/** The caller's key id (SigV4) or API key (bearer), or an error reply when the Authorization header is missing or malformed. */
function authenticate(req: RecordedRequest): string | FakeReply {
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Bearer ')) return auth.slice(7);
  if (!auth) return error(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  const m = SIGV4.exec(auth);
  const date = req.headers['x-amz-date'] ?? '';
  const signed = m?.[4].split(';') ?? [];
  if (!m || !date.startsWith(m[2]) || !signed.includes('host') || !signed.includes('x-amz-date')) {
    return error(403, 'IncompleteSignatureException', 'Authorization header requires Credential, SignedHeaders (with host and x-amz-date) and Signature.');
  }
  return m[1];
}

/** Amazon Bedrock runtime (Converse, ConverseStream as a binary event stream, InvokeModel embeddings) with scripted errors. */
export function bedrockFakeHandler(options: FakeOptions = {}) {
  return (req: RecordedRequest): FakeReply => {
    const route = ROUTE.exec(req.url);
    if (req.method !== 'POST' || !route) return error(404, 'UnknownOperationException', `no route ${req.method} ${req.url}`);
    const key = authenticate(req);
    if (typeof key !== 'string') return key;
    const model = decodeURIComponent(route[1]);
    const action = route[2];
    const scenario = scenarioOf(model, key);
    switch (scenario) {
      case 'unauthorized':
        return error(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      case 'missingModel':
        return error(404, 'ResourceNotFoundException', 'Could not resolve the foundation model from the provided model identifier.');
      case 'rateLimited':
        return error(429, 'ThrottlingException', 'Too many requests, please wait before trying again.', { 'retry-after': String(FAKE_RETRY_AFTER_SECONDS) });
      case 'contextLength':
        return error(400, 'ValidationException', 'Input is too long for requested model.');
      case 'serverError':
        return error(500, 'InternalServerException', 'The server encountered an internal error while processing the request.');
      case 'overloaded':
        return error(503, 'ServiceUnavailableException', 'Bedrock is unable to process your request.');
      default:
        break;
    }
    const body = jsonBody(req.body);
    const requestId = `fake-${Date.now().toString(36)}`;
    if (action === 'invoke') {
      if (typeof body.inputText === 'string') return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ embedding: FAKE_EMBEDDING, inputTextTokenCount: 2 }) };
      const texts = Array.isArray(body.texts) ? body.texts : [];
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ embeddings: texts.map(() => FAKE_EMBEDDING), id: requestId, response_type: 'embeddings_floats', texts }),
      };
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) return error(400, 'ValidationException', 'The provided request is not valid: messages is required');
    const usage = {
      inputTokens: FAKE_USAGE.input,
      outputTokens: FAKE_USAGE.output,
      totalTokens: FAKE_USAGE.input + FAKE_USAGE.output + FAKE_USAGE.cacheRead + FAKE_USAGE.cacheWrite,
      cacheReadInputTokens: FAKE_USAGE.cacheRead,
      cacheWriteInputTokens: FAKE_USAGE.cacheWrite,
    };
    const toolName = offeredTool(body);
    const stopReason = toolName ? 'tool_use' : 'end_turn';
    if (action === 'converse') {
      const content = toolName ? [{ toolUse: { toolUseId: 'tooluse_fake1', name: toolName, input: FAKE_TOOL_INPUT } }] : [{ text: FAKE_REPLY_TEXT }];
      return {
        status: 200,
        headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
        body: JSON.stringify({ output: { message: { role: 'assistant', content } }, stopReason, usage, metrics: { latencyMs: 5 } }),
      };
    }
    const frames = [event('messageStart', { role: 'assistant' })];
    if (toolName) {
      const input = JSON.stringify(FAKE_TOOL_INPUT);
      frames.push(
        event('contentBlockStart', { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tooluse_fake1', name: toolName } } }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: input.slice(0, 6) } } }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: input.slice(6) } } }),
      );
    } else {
      for (const text of replyPieces()) frames.push(event('contentBlockDelta', { contentBlockIndex: 0, delta: { text } }));
    }
    if (scenario === 'streamError') frames.splice(2, frames.length, exception('internalServerException', 'The server encountered an internal error while processing the request.'));
    else if (scenario === 'streamBreak') frames.splice(2);
    else frames.push(event('contentBlockStop', { contentBlockIndex: 0 }), event('messageStop', { stopReason }), event('metadata', { usage, metrics: { latencyMs: 5 } }));
    return {
      status: 200,
      headers: { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId },
      chunks: frames.map((data) => ({ data, delayMs: options.chunkDelayMs })),
      breakAfter: scenario === 'streamBreak',
    };
  };
}

function offeredTool(body: Record<string, unknown>): string | undefined {
  const config = body.toolConfig as { tools?: { toolSpec?: { name?: string } }[] } | undefined;
  const tools = config?.tools ?? [];
  const messages = body.messages as { content?: { toolResult?: unknown }[] }[];
  const answered = (messages[messages.length - 1]?.content ?? []).some((b) => b.toolResult !== undefined);
  return tools.length && !answered ? (tools[0].toolSpec?.name ?? 'tool') : undefined;
}

export function startBedrockFake(options: FakeOptions = {}): Promise<FakeUpstream> {
  return startFakeUpstream(bedrockFakeHandler(options), options.port);
}
