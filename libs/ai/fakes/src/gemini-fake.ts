import { FakeReply, FakeUpstream, RecordedRequest, startFakeUpstream } from './fake-server';
import { FAKE_EMBEDDING, FAKE_REPLY_TEXT, FAKE_RETRY_AFTER_SECONDS, FAKE_TOOL_INPUT, FAKE_USAGE, FakeOptions, jsonBody, replyPieces, scenarioOf } from './fake-scenarios';

const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };
const SSE_HEADERS = { 'content-type': 'text/event-stream' };
const ROUTE = /^\/(v1beta|v1)\/models\/([^/:?]+):(generateContent|streamGenerateContent|batchEmbedContents|embedContent)(\?.*)?$/;

function error(code: number, status: string, message: string, headers: Record<string, string> = {}, details?: unknown[]): FakeReply {
  return { status: code, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify({ error: { code, message, status, ...(details ? { details } : {}) } }) };
}

const sse = (data: unknown) => `data: ${JSON.stringify(data)}\r\n\r\n`;

/** Google's Gemini API (generateContent, streamGenerateContent?alt=sse, embeddings) with scripted errors. */
export function geminiFakeHandler(options: FakeOptions = {}) {
  return (req: RecordedRequest): FakeReply => {
    const route = ROUTE.exec(req.url);
    if (req.method !== 'POST' || !route) return error(404, 'NOT_FOUND', `no route ${req.method} ${req.url}`);
    const [, , model, method, query] = route;
    const key = req.headers['x-goog-api-key'];
    if (!key)
      return error(
        403,
        'PERMISSION_DENIED',
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    const scenario = scenarioOf(decodeURIComponent(model), key);
    switch (scenario) {
      case 'unauthorized':
        return error(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', {}, [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
        ]);
      case 'missingModel':
        return error(404, 'NOT_FOUND', `models/${model} is not found for API version v1beta, or is not supported for ${method}.`);
      case 'rateLimited':
        return error(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details.', {}, [
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${FAKE_RETRY_AFTER_SECONDS}s` },
        ]);
      case 'contextLength':
        return error(400, 'INVALID_ARGUMENT', 'The input token count (1250321) exceeds the maximum number of tokens allowed (1048576).');
      case 'serverError':
        return error(500, 'INTERNAL', 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting');
      case 'overloaded':
        return error(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
      default:
        break;
    }
    const body = jsonBody(req.body);
    if (method === 'batchEmbedContents') {
      const requests = Array.isArray(body.requests) ? body.requests : [];
      return { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ embeddings: requests.map(() => ({ values: FAKE_EMBEDDING })) }) };
    }
    if (method === 'embedContent') return { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ embedding: { values: FAKE_EMBEDDING } }) };
    if (!Array.isArray(body.contents) || body.contents.length === 0) return error(400, 'INVALID_ARGUMENT', '* GenerateContentRequest.contents: contents is not specified');
    const responseId = `fake${Date.now().toString(36)}`;
    const usageMetadata = {
      promptTokenCount: FAKE_USAGE.input,
      candidatesTokenCount: FAKE_USAGE.output,
      totalTokenCount: FAKE_USAGE.input + FAKE_USAGE.output,
      cachedContentTokenCount: FAKE_USAGE.cacheRead,
    };
    const base = { modelVersion: model, responseId };
    const callTool = offeredTool(body);
    const candidate = (parts: unknown[], finishReason?: string) => ({ content: { parts, role: 'model' }, index: 0, ...(finishReason ? { finishReason } : {}) });
    if (method === 'generateContent') {
      const parts = callTool ? [{ functionCall: { name: callTool, args: FAKE_TOOL_INPUT } }] : [{ text: FAKE_REPLY_TEXT }];
      return { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ candidates: [candidate(parts, 'STOP')], usageMetadata, ...base }) };
    }
    if (query !== '?alt=sse') return error(400, 'INVALID_ARGUMENT', 'this fake streams only with alt=sse');
    const events = callTool
      ? [sse({ candidates: [candidate([{ functionCall: { name: callTool, args: FAKE_TOOL_INPUT } }], 'STOP')], usageMetadata, ...base })]
      : replyPieces().map((text, i, all) =>
          sse({
            candidates: [candidate([{ text }], i === all.length - 1 ? 'STOP' : undefined)],
            usageMetadata: i === all.length - 1 ? usageMetadata : { promptTokenCount: FAKE_USAGE.input, totalTokenCount: FAKE_USAGE.input },
            ...base,
          }),
        );
    if (scenario === 'streamError') events.splice(1, events.length, sse({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } }));
    if (scenario === 'streamBreak') events.splice(1);
    return { status: 200, headers: SSE_HEADERS, chunks: events.map((data) => ({ data, delayMs: options.chunkDelayMs })), breakAfter: scenario === 'streamBreak' };
  };
}

/** The first declared function, unless tools are off or the last turn already answers a call. */
function offeredTool(body: Record<string, unknown>): string | undefined {
  const decls = (Array.isArray(body.tools) ? body.tools : []).flatMap((t) => (t as { functionDeclarations?: { name?: string }[] }).functionDeclarations ?? []);
  const mode = (body.toolConfig as { functionCallingConfig?: { mode?: string } } | undefined)?.functionCallingConfig?.mode;
  const contents = body.contents as { parts?: { functionResponse?: unknown }[] }[];
  const answered = (contents[contents.length - 1]?.parts ?? []).some((p) => p.functionResponse !== undefined);
  return decls.length && mode !== 'NONE' && !answered ? (decls[0].name ?? 'tool') : undefined;
}

export function startGeminiFake(options: FakeOptions = {}): Promise<FakeUpstream> {
  return startFakeUpstream(geminiFakeHandler(options), options.port);
}
