import { FakeReply, FakeUpstream, RecordedRequest, startFakeUpstream } from './fake-server';
import { FAKE_REPLY_TEXT, FAKE_RETRY_AFTER_SECONDS, FAKE_TOOL_INPUT, FAKE_USAGE, FakeOptions, jsonBody, replyPieces, scenarioOf } from './fake-scenarios';

const JSON_HEADERS = { 'content-type': 'application/json' };
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

function error(status: number, type: string, message: string, headers: Record<string, string> = {}): FakeReply {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify({ type: 'error', error: { type, message } }) };
}

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** Anthropic's Messages API (`POST /v1/messages`), in its wire format, with scripted errors. */
export function anthropicFakeHandler(options: FakeOptions = {}) {
  return (req: RecordedRequest): FakeReply => {
    if (req.method !== 'POST' || !req.url.startsWith('/v1/messages')) return error(404, 'not_found_error', `no route ${req.method} ${req.url}`);
    const key = req.headers['x-api-key'];
    if (!key) return error(401, 'authentication_error', 'x-api-key header is required');
    if (!req.headers['anthropic-version']) return error(400, 'invalid_request_error', 'anthropic-version: header is required');
    const body = jsonBody(req.body);
    const model = typeof body.model === 'string' ? body.model : '';
    if (typeof body.max_tokens !== 'number') return error(400, 'invalid_request_error', 'max_tokens: Field required');
    switch (scenarioOf(model, key)) {
      case 'unauthorized':
        return error(401, 'authentication_error', 'invalid x-api-key');
      case 'missingModel':
        return error(404, 'not_found_error', `model: ${model}`);
      case 'rateLimited':
        return error(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { 'retry-after': String(FAKE_RETRY_AFTER_SECONDS) });
      case 'contextLength':
        return error(400, 'invalid_request_error', 'prompt is too long: 208310 tokens > 200000 maximum');
      case 'serverError':
        return error(500, 'api_error', 'Internal server error');
      case 'overloaded':
        return error(529, 'overloaded_error', 'Overloaded');
      case 'streamError':
      case 'streamBreak':
      case 'ok':
        break;
    }
    const scenario = scenarioOf(model, key);
    const tools = Array.isArray(body.tools) ? (body.tools as { name?: string }[]) : [];
    const choice = body.tool_choice as { type?: string } | undefined;
    const toolName = tools.length && choice?.type !== 'none' && !lastIsToolResult(body.messages) ? (tools[0].name ?? 'tool') : undefined;
    const id = `msg_fake${Date.now().toString(36)}`;
    const usage = { input_tokens: FAKE_USAGE.input, output_tokens: FAKE_USAGE.output, cache_read_input_tokens: FAKE_USAGE.cacheRead, cache_creation_input_tokens: FAKE_USAGE.cacheWrite };
    const stopReason = toolName ? 'tool_use' : 'end_turn';
    if (body.stream !== true) {
      const content = toolName ? [{ type: 'tool_use', id: 'toolu_fake1', name: toolName, input: FAKE_TOOL_INPUT }] : [{ type: 'text', text: FAKE_REPLY_TEXT }];
      return { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ id, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage }) };
    }
    const events: string[] = [
      sse('message_start', {
        type: 'message_start',
        message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
      }),
      sse('ping', { type: 'ping' }),
    ];
    if (toolName) {
      const json = JSON.stringify(FAKE_TOOL_INPUT);
      events.push(
        sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_fake1', name: toolName, input: {} } }),
        sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: json.slice(0, 5) } }),
        sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: json.slice(5) } }),
      );
    } else {
      events.push(sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
      for (const piece of replyPieces()) events.push(sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }));
    }
    if (scenario === 'streamError') events.splice(4, events.length, sse('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    else if (scenario === 'streamBreak') events.splice(4);
    else
      events.push(
        sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
        sse('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: FAKE_USAGE.output } }),
        sse('message_stop', { type: 'message_stop' }),
      );
    return { status: 200, headers: SSE_HEADERS, chunks: events.map((data) => ({ data, delayMs: options.chunkDelayMs })), breakAfter: scenario === 'streamBreak' };
  };
}

function lastIsToolResult(messages: unknown): boolean {
  if (!Array.isArray(messages) || messages.length === 0) return false;
  const last = messages[messages.length - 1] as { content?: unknown };
  return Array.isArray(last.content) && last.content.some((b) => (b as { type?: string }).type === 'tool_result');
}

export function startAnthropicFake(options: FakeOptions = {}): Promise<FakeUpstream> {
  return startFakeUpstream(anthropicFakeHandler(options), options.port);
}
