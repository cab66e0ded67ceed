import { scenarioFault } from './fake-scenario-faults';
import { FakeReply } from './fake-server';

/** Failures a fake can be scripted to answer with; named after the gateway's UpstreamError kinds. */
export const FAKE_FAULTS = ['auth', 'not_found', 'rate_limited', 'context_length', 'content_filter', 'bad_request', 'server', 'overloaded', 'stream_error', 'stream_break'] as const;
export type FakeFault = (typeof FAKE_FAULTS)[number];

/** Which server's error bodies to answer with. */
export type OpenAiFlavour = 'openai' | 'azure' | 'compatible';

function json(status: number, body: unknown, headers: Record<string, string> = {}): FakeReply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

const openAiError = (message: string, type: string | null, code: string | null, param: string | null = null) => ({ error: { message, type, param, code } });

/**
 * A non-stream failure in each server's own error body, as their API references document them.
 * `retryAfterSec` goes out as `retry-after` (and, where the server sends it, `retry-after-ms`).
 */
export function errorReply(flavour: OpenAiFlavour, fault: Exclude<FakeFault, 'stream_error' | 'stream_break'>, model: string, retryAfterSec = 1): FakeReply {
  const retry = { 'retry-after': String(retryAfterSec), 'retry-after-ms': String(retryAfterSec * 1000) };
  if (flavour === 'azure') {
    switch (fault) {
      case 'auth':
        return json(401, {
          error: {
            code: '401',
            message:
              'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
          },
        });
      case 'not_found':
        return json(404, {
          error: {
            code: 'DeploymentNotFound',
            message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
          },
        });
      case 'rate_limited':
        return json(
          429,
          {
            error: {
              code: '429',
              message: `Requests to the ChatCompletions_Create Operation under Azure OpenAI API have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after ${retryAfterSec} seconds.`,
            },
          },
          retry,
        );
      case 'content_filter':
        return json(400, {
          error: {
            message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
            type: null,
            param: 'prompt',
            code: 'content_filter',
            status: 400,
            innererror: {
              code: 'ResponsibleAIPolicyViolation',
              content_filter_result: {
                hate: { filtered: true, severity: 'high' },
                self_harm: { filtered: false, severity: 'safe' },
                sexual: { filtered: false, severity: 'safe' },
                violence: { filtered: false, severity: 'safe' },
              },
            },
          },
        });
      case 'server':
        return json(500, { error: { code: 'InternalServerError', message: 'The service is temporarily unable to process your request. Please try again later.' } });
      case 'overloaded':
        return json(503, { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unable to process your request. Please try again later.' } });
      default:
        break;
    }
  }
  if (flavour === 'compatible') {
    switch (fault) {
      case 'not_found':
        return json(404, openAiError(`model "${model}" not found, try pulling it first`, 'api_error', null));
      case 'context_length':
        // vLLM's shape: the error object at the top level
        return json(400, {
          object: 'error',
          message: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens. Please reduce the length of the messages or completion.",
          type: 'BadRequestError',
          param: null,
          code: 400,
        });
      case 'server':
        // Ollama's shape: the error as a bare string
        return json(500, { error: 'llama runner process has terminated: exit status 2' });
      default:
        break;
    }
  }
  switch (fault) {
    case 'auth':
      return json(
        401,
        openAiError('Incorrect API key provided: sk-fake****************1234. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key'),
      );
    case 'not_found':
      return json(404, openAiError(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found'));
    case 'rate_limited':
      return json(
        429,
        openAiError(`Rate limit reached for ${model} on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${retryAfterSec}s.`, 'requests', 'rate_limit_exceeded'),
        retry,
      );
    case 'context_length':
      return json(
        400,
        openAiError(
          "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.",
          'invalid_request_error',
          'context_length_exceeded',
          'messages',
        ),
      );
    case 'content_filter':
      return json(400, openAiError('Your request was rejected as a result of our safety system.', 'invalid_request_error', 'content_policy_violation'));
    case 'bad_request':
      return json(400, openAiError("Invalid value for 'temperature': must be between 0 and 2.", 'invalid_request_error', 'invalid_value', 'temperature'));
    case 'server':
      return json(500, openAiError('The server had an error while processing your request. Sorry about that!', 'server_error', null));
    case 'overloaded':
      return json(503, openAiError('The engine is currently overloaded, please try again later.', 'server_error', null));
  }
}

/** The error object OpenAI-family servers put in a 200 stream when generation fails midway. */
export function streamErrorPayload(): Record<string, unknown> {
  return openAiError('The server had an error while processing your request. Sorry about that!', 'server_error', null);
}

/**
 * The fault a call asks for by its model (`fail-<fault>`, or one of the shared scenario models) or
 * by the shared bad key; undefined for a call to answer normally.
 */
export function faultFor(model: string, key: string | undefined): { fault: FakeFault; retryAfterSec?: number } | undefined {
  const m = /^fail-(\w+)$/.exec(model);
  if (m && (FAKE_FAULTS as readonly string[]).includes(m[1])) return { fault: m[1] as FakeFault };
  return scenarioFault(model, key);
}
