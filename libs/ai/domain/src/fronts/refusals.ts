import { TaskType } from '../canonical';
import { FrontFailure, refusal } from './front-failure';

/**
 * The gateway's own refusals, worded once so every front says the same thing. Messages name what
 * the caller sent and never what the caller may not see (an endpoint they cannot USE is "not
 * found", as missing ones are).
 */

/** The body was not JSON at all. The parser's detail points into the caller's own bytes, so it is safe to repeat. */
export function malformedJson(detail?: string): FrontFailure {
  return refusal('invalid_request', `The request body is not valid JSON${detail ? `: ${detail}` : ''}.`);
}

/** No such endpoint, or one the caller may not use: the two read alike. */
export function endpointNotFound(name: string, param?: string): FrontFailure {
  return refusal('endpoint_not_found', `The endpoint '${name}' does not exist or you do not have access to it.`, param);
}

/** The caller may see the endpoint but lacks the permission for this action. */
export function permissionDenied(name: string): FrontFailure {
  return refusal('permission_denied', `You do not have permission to use the endpoint '${name}'.`);
}

const TASK_WORDS: Record<TaskType, string> = { 'llm/v1/chat': 'chat', 'llm/v1/completions': 'completions', 'llm/v1/embeddings': 'embeddings' };

/** e.g. a chat call on an embeddings endpoint. */
export function wrongTask(name: string, endpointTask: TaskType, calledAs: TaskType, param?: string): FrontFailure {
  return refusal('wrong_task', `The endpoint '${name}' serves ${endpointTask} (${TASK_WORDS[endpointTask]}); it cannot answer a ${TASK_WORDS[calledAs]} call.`, param);
}

/** stream=true to an endpoint none of whose targets can stream this task. */
export function streamUnsupported(name: string): FrontFailure {
  return refusal('stream_unsupported', `The endpoint '${name}' cannot stream its answers; send the call with 'stream' false or absent.`, 'stream');
}

export function bodyTooLarge(limitBytes: number): FrontFailure {
  return refusal('body_too_large', `The request body is larger than this gateway accepts (${limitBytes} bytes).`);
}
