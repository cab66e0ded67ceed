import { FakeReply, FakeUpstream, RecordedRequest, startFakeUpstream } from './fake-server';
import { FAKE_EMBEDDING, FAKE_REPLY_TEXT, FAKE_RETRY_AFTER_SECONDS, FAKE_TOOL_INPUT, FAKE_USAGE, FakeOptions, jsonBody, replyPieces, scenarioOf } from './fake-scenarios';

const JSON_HEADERS = { 'content-type': 'application/json' };
const SSE_HEADERS = { 'content-type': 'text/event-stream' };

function error(status: number, message: string, headers: Record<string, string> = {}): FakeReply {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify({ id: `fake-${status}`, message }) };
}

const sse = (data: { type: string } & Record<string, unknown>) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;

/** Cohere's v2 API (`/v2/chat`, `/v2/embed`) with scripted errors. */
export function cohereFakeHandler(options: FakeOptions = {}) {
  return (req: RecordedRequest): FakeReply => {
    const path = req.url.split('?')[0];
    if (req.method !== 'POST' || (path !== '/v2/chat' && path !== '/v2/embed')) return error(404, `no route ${req.method} ${req.url}`);
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!auth) return { status: 401, headers: JSON_HEADERS, body: JSON.stringify({ message: 'no api key supplied' }) };
    const body = jsonBody(req.body);
    const model = typeof body.model === 'string' ? body.model : '';
    const scenario = scenarioOf(model, auth[1]);
    switch (scenario) {
      case 'unauthorized':
        return { status: 401, headers: JSON_HEADERS, body: JSON.stringify({ message: 'invalid api token' }) };
      case 'missingModel':
        return error(404, `model '${model}' not found, make sure the correct model ID was used and that you have access to the model.`);
      case 'rateLimited':
        return error(429, 'You are using a Trial key, which is limited to 20 API calls / minute.', { 'retry-after': String(FAKE_RETRY_AFTER_SECONDS) });
      case 'contextLength':
        return error(400, 'too many tokens: total number of tokens in the prompt cannot exceed 256000 - received 300412. Try using a shorter prompt or enabling prompt truncating.');
      case 'serverError':
        return error(500, 'internal server error, this has been reported to our developers');
      case 'overloaded':
        return error(503, 'service unavailable');
      default:
        break;
    }
    if (path === '/v2/embed') {
      const texts = Array.isArray(body.texts) ? body.texts : [];
      if (!Array.isArray(body.embedding_types)) return error(400, 'invalid request: embedding_types is required');
      return {
        status: 200,
        headers: JSON_HEADERS,
        body: JSON.stringify({
          id: 'fake-embed',
          embeddings: { float: texts.map(() => FAKE_EMBEDDING) },
          texts,
          meta: { api_version: { version: '2' }, billed_units: { input_tokens: texts.length } },
          response_type: 'embeddings_by_type',
        }),
      };
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) return error(400, 'invalid request: messages must not be empty');
    const id = `fake-${Date.now().toString(36)}`;
    const usage = {
      billed_units: { input_tokens: FAKE_USAGE.input, output_tokens: FAKE_USAGE.output },
      tokens: { input_tokens: FAKE_USAGE.input, output_tokens: FAKE_USAGE.output },
      cached_tokens: FAKE_USAGE.cacheRead,
    };
    const toolName = offeredTool(body);
    const toolCall = toolName ? { id: `${toolName}_fake1`, type: 'function', function: { name: toolName, arguments: JSON.stringify(FAKE_TOOL_INPUT) } } : undefined;
    const finishReason = toolCall ? 'TOOL_CALL' : 'COMPLETE';
    if (body.stream !== true) {
      const message = toolCall ? { role: 'assistant', tool_plan: 'I will call the tool.', tool_calls: [toolCall] } : { role: 'assistant', content: [{ type: 'text', text: FAKE_REPLY_TEXT }] };
      return { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ id, finish_reason: finishReason, message, usage }) };
    }
    const events = [sse({ id, type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } })];
    if (toolCall) {
      const args = toolCall.function.arguments;
      events.push(
        sse({ type: 'tool-call-start', index: 0, delta: { message: { tool_calls: { ...toolCall, function: { name: toolCall.function.name, arguments: '' } } } } }),
        sse({ type: 'tool-call-delta', index: 0, delta: { message: { tool_calls: { function: { arguments: args.slice(0, 4) } } } } }),
        sse({ type: 'tool-call-delta', index: 0, delta: { message: { tool_calls: { function: { arguments: args.slice(4) } } } } }),
        sse({ type: 'tool-call-end', index: 0 }),
      );
    } else {
      events.push(sse({ type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } }));
      for (const text of replyPieces()) events.push(sse({ type: 'content-delta', index: 0, delta: { message: { content: { text } } } }));
      events.push(sse({ type: 'content-end', index: 0 }));
    }
    if (scenario === 'streamError')
      events.splice(3, events.length, sse({ type: 'message-end', delta: { error: 'internal server error, this has been reported to our developers', finish_reason: 'ERROR' } }));
    else if (scenario === 'streamBreak') events.splice(3);
    else events.push(sse({ type: 'message-end', delta: { finish_reason: finishReason, usage } }));
    return { status: 200, headers: SSE_HEADERS, chunks: events.map((data) => ({ data, delayMs: options.chunkDelayMs })), breakAfter: scenario === 'streamBreak' };
  };
}

function offeredTool(body: Record<string, unknown>): string | undefined {
  const tools = Array.isArray(body.tools) ? (body.tools as { function?: { name?: string } }[]) : [];
  const messages = body.messages as { role?: string }[];
  const answered = messages[messages.length - 1]?.role === 'tool';
  return tools.length && body.tool_choice !== 'NONE' && !answered ? (tools[0].function?.name ?? 'tool') : undefined;
}

export function startCohereFake(options: FakeOptions = {}): Promise<FakeUpstream> {
  return startFakeUpstream(cohereFakeHandler(options), options.port);
}
