import { ChatRequest, CompletionRequest, EmbeddingsRequest, TaskType } from '../../canonical';
import { failed, FrontResult, refusal } from '../front-failure';
import { fieldError, FieldReader, isRecord, parseBody, typeError } from '../json-fields';
import { chatRequestFields } from '../openai/chat-request';
import { completionRequestFields, embeddingsRequestFields } from '../openai/request';

export type MlflowInvocation = { task: 'llm/v1/chat'; request: ChatRequest } | { task: 'llm/v1/completions'; request: CompletionRequest } | { task: 'llm/v1/embeddings'; request: EmbeddingsRequest };

/**
 * MLflow deployments bodies carry the call's parameters at the top level and, as the integration
 * guide's curl shows, in a `parameters` object. The two are merged into one body before reading;
 * naming a field in both is a 400 rather than a silent choice.
 */
function merged(body: Record<string, unknown>): Record<string, unknown> {
  const { parameters, ...top } = body;
  if (parameters === undefined || parameters === null) return top;
  if (!isRecord(parameters)) return typeError('parameters', 'an object', parameters);
  for (const k of Object.keys(parameters)) if (Object.hasOwn(top, k)) fieldError(`parameters.${k}`, `'${k}' is given both at the top level and in 'parameters'.`);
  return { ...top, ...parameters };
}

function read(task: TaskType, r: FieldReader): MlflowInvocation {
  // The endpoint is named by the path; a `model` in the body is MLflow's "leave it to the endpoint".
  r.skip('model');
  switch (task) {
    case 'llm/v1/chat':
      return { task, request: chatRequestFields(r) };
    case 'llm/v1/completions':
      return { task, request: completionRequestFields(r) };
    case 'llm/v1/embeddings':
      return { task, request: embeddingsRequestFields(r) };
  }
}

/** POST /endpoints/{name}/invocations: the body read as the endpoint's task. */
export function parseMlflowInvocation(task: TaskType, body: unknown): FrontResult<MlflowInvocation> {
  return parseBody(body, (r) => read(task, new FieldReader(merged(r.obj))));
}

/**
 * POST /gateway/{name}/mlflow/invocations (MLflow 3): chat or embeddings, told apart by the body as
 * MLflow does (`messages` is chat, `input` embeddings). The caller checks the task against the endpoint's.
 */
export function parseMlflowGatewayInvocation(body: unknown): FrontResult<MlflowInvocation> {
  if (isRecord(body) && !('messages' in body) && !('input' in body))
    return failed(refusal('invalid_request', "Invalid request: the body must be a chat request (with 'messages') or an embeddings request (with 'input')."));
  const task: TaskType = isRecord(body) && 'messages' in body ? 'llm/v1/chat' : 'llm/v1/embeddings';
  return parseMlflowInvocation(task, body);
}

/** POST /gateway/mlflow/v1/chat/completions (MLflow 3): OpenAI's chat body, the endpoint named by `model`. */
export function parseMlflowGatewayChat(body: unknown): FrontResult<{ endpoint: string; request: ChatRequest }> {
  return parseBody(body, (r) => {
    const endpoint = r.string('model');
    if (!endpoint) fieldError('model', "Missing required 'model' parameter in request body.");
    return { endpoint, request: chatRequestFields(r) };
  });
}
