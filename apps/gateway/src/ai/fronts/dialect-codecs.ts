import {
  AiEndpoint,
  anthropicSse,
  AnthropicStreamEncoder,
  anthropicStreamError,
  applyUnknownParamPolicy,
  ChatChunk,
  ChatResponse,
  CompletionChunk,
  CompletionResponse,
  EmbeddingsResponse,
  FrontFailure,
  FrontResult,
  mlflowChatChunkSse,
  mlflowCompletionChunkSse,
  mlflowStreamError,
  OpenAiStreamWriter,
  openAiStreamError,
  parseAnthropicMessages,
  parseMlflowGatewayChat,
  parseMlflowGatewayInvocation,
  parseMlflowInvocation,
  parseOpenAiChat,
  parseOpenAiCompletion,
  parseOpenAiEmbeddings,
  refusal,
  renderAnthropicError,
  renderAnthropicMessage,
  renderMlflowChat,
  renderMlflowCompletion,
  renderMlflowEmbeddings,
  renderMlflowEndpoint,
  renderMlflowEndpointList,
  renderMlflowError,
  renderOpenAiChat,
  renderOpenAiCompletion,
  renderOpenAiEmbeddings,
  renderOpenAiError,
  renderOpenAiModel,
  renderOpenAiModels,
  TaskType,
  UnknownParamPolicy,
  upstreamFailure,
} from '@custos/ai-domain';
import { CallError } from '../calls/call-error';
import { CallFailure, CanonicalChunk, CanonicalRequest, CanonicalResponse, FrontCodec, FrontErrorReply, FrontName, FrontStream, ParsedCall } from '../calls/front-codec';
import { FrontCodecs, MlflowFront, OpenAiFront } from '../calls/front-codecs';

/*
 * The call pipeline's view of the fronts' pure translations (@custos/ai-domain `fronts/`): each
 * dialect's parser, unknown-parameter policy, reply and stream rendering and error objects behind
 * the one FrontCodec shape. Nothing here decides; it only plugs the pieces together.
 */

/** The pipeline's failure as the fronts' failure table reads it. */
export function frontFailure(f: CallFailure): FrontFailure {
  return f instanceof CallError ? refusal(f.kind, f.message, f.param, f.retryAfterMs) : upstreamFailure(f);
}

/** A parser's result, or the CallError its failure is (a refusal; parsers never report upstream failures). */
function unwrap<T>(r: FrontResult<T>): T {
  if (r.ok) return r.value;
  const f = r.failure;
  if (f.source === 'upstream') throw f.error;
  throw new CallError(f.kind, f.message, f.param, f.retryAfterMs);
}

function withPolicy(request: CanonicalRequest, policy: UnknownParamPolicy): ParsedCall {
  const outcome = unwrap(applyUnknownParamPolicy(request, policy));
  return { request: outcome.request, dropped: outcome.dropped };
}

function wrongTask(asked: TaskType, served: TaskType): CallError {
  return new CallError('wrong_task', `This endpoint serves ${served}; the request is a ${asked} request.`);
}

const isChat = (t: TaskType) => t === 'llm/v1/chat';

class OpenAiCodec implements OpenAiFront {
  readonly name: FrontName = 'openai';

  parse(task: TaskType, body: unknown, policy: UnknownParamPolicy): ParsedCall {
    const parsed = task === 'llm/v1/chat' ? parseOpenAiChat(body) : task === 'llm/v1/completions' ? parseOpenAiCompletion(body) : parseOpenAiEmbeddings(body);
    return withPolicy(unwrap<{ request: CanonicalRequest }>(parsed).request, policy);
  }

  response(task: TaskType, res: CanonicalResponse, endpoint: string): unknown {
    if (task === 'llm/v1/chat') return renderOpenAiChat(res as ChatResponse, endpoint);
    if (task === 'llm/v1/completions') return renderOpenAiCompletion(res as CompletionResponse, endpoint);
    return renderOpenAiEmbeddings(res as EmbeddingsResponse, endpoint);
  }

  stream(task: TaskType, endpoint: string, request: CanonicalRequest): FrontStream {
    const includeUsage = 'stream_options' in request && request.stream_options?.include_usage === true;
    const writer = new OpenAiStreamWriter(isChat(task) ? 'chat' : 'completion', endpoint, includeUsage);
    return { push: (c) => writer.push(c), end: () => writer.end() };
  }

  error(f: CallFailure): FrontErrorReply {
    return renderOpenAiError(frontFailure(f));
  }

  streamError(f: CallFailure): string {
    return openAiStreamError(frontFailure(f));
  }

  models(endpoints: readonly AiEndpoint[]): unknown {
    return renderOpenAiModels(endpoints);
  }

  model(endpoint: AiEndpoint): unknown {
    return renderOpenAiModel(endpoint);
  }
}

class AnthropicCodec implements FrontCodec {
  readonly name: FrontName = 'anthropic';

  parse(task: TaskType, body: unknown, policy: UnknownParamPolicy): ParsedCall {
    if (!isChat(task)) throw wrongTask('llm/v1/chat', task);
    return withPolicy(unwrap(parseAnthropicMessages(body)).request, policy);
  }

  response(_task: TaskType, res: CanonicalResponse, endpoint: string): unknown {
    return renderAnthropicMessage(res as ChatResponse, endpoint);
  }

  stream(_task: TaskType, endpoint: string): FrontStream {
    const encoder = new AnthropicStreamEncoder(endpoint);
    return { push: (c) => anthropicSse(encoder.push(c as ChatChunk)), end: () => anthropicSse(encoder.end()) };
  }

  error(f: CallFailure, requestId: string): FrontErrorReply {
    return renderAnthropicError(frontFailure(f), requestId);
  }

  streamError(f: CallFailure, requestId: string): string {
    return anthropicStreamError(frontFailure(f), requestId);
  }
}

/** MLflow's gateway answers in OpenAI's shapes with the upstream model; streams end without `[DONE]`. */
abstract class MlflowDialect implements FrontCodec {
  readonly name: FrontName = 'mlflow';

  abstract parse(task: TaskType, body: unknown, policy: UnknownParamPolicy): ParsedCall;

  response(task: TaskType, res: CanonicalResponse): unknown {
    if (task === 'llm/v1/chat') return renderMlflowChat(res as ChatResponse);
    if (task === 'llm/v1/completions') return renderMlflowCompletion(res as CompletionResponse);
    return renderMlflowEmbeddings(res as EmbeddingsResponse);
  }

  stream(task: TaskType): FrontStream {
    const render = isChat(task) ? (c: CanonicalChunk) => mlflowChatChunkSse(c as ChatChunk) : (c: CanonicalChunk) => mlflowCompletionChunkSse(c as CompletionChunk);
    return { push: render, end: () => '' };
  }

  error(f: CallFailure): FrontErrorReply {
    return renderMlflowError(frontFailure(f));
  }

  streamError(f: CallFailure): string {
    return mlflowStreamError(frontFailure(f));
  }
}

class MlflowDeploymentsCodec extends MlflowDialect implements MlflowFront {
  parse(task: TaskType, body: unknown, policy: UnknownParamPolicy): ParsedCall {
    return withPolicy(unwrap(parseMlflowInvocation(task, body)).request, policy);
  }

  endpointList(endpoints: readonly AiEndpoint[], pageToken: string | undefined): unknown {
    const page = renderMlflowEndpointList(endpoints, pageToken);
    return page.ok ? page.value : unwrapFailure(page.failure);
  }

  endpoint(endpoint: AiEndpoint): unknown {
    return renderMlflowEndpoint(endpoint);
  }
}

function unwrapFailure(f: FrontFailure): CallError {
  return f.source === 'gateway' ? new CallError(f.kind, f.message, f.param, f.retryAfterMs) : new CallError('invalid_request', f.error.message);
}

class MlflowGatewayCodec extends MlflowDialect {
  parse(task: TaskType, body: unknown, policy: UnknownParamPolicy): ParsedCall {
    const invocation = unwrap(parseMlflowGatewayInvocation(body));
    if (invocation.task !== task) throw wrongTask(invocation.task, task);
    return withPolicy(invocation.request, policy);
  }
}

class MlflowGatewayChatCodec extends MlflowDialect {
  parse(task: TaskType, body: unknown, policy: UnknownParamPolicy): ParsedCall {
    if (!isChat(task)) throw wrongTask('llm/v1/chat', task);
    return withPolicy(unwrap(parseMlflowGatewayChat(body)).request, policy);
  }
}

export class DialectCodecs extends FrontCodecs {
  readonly openai = new OpenAiCodec();
  readonly anthropic = new AnthropicCodec();
  readonly mlflow = new MlflowDeploymentsCodec();
  readonly mlflowGateway = new MlflowGatewayCodec();
  readonly mlflowGatewayChat = new MlflowGatewayChatCodec();
}
