import { AiEndpoint } from '@custos/ai-domain';
import { CallError } from './call-error';
import { FrontCodec } from './front-codec';

export interface OpenAiFront extends FrontCodec {
  /** GET /v1/models: the endpoints the caller may use, as OpenAI models. */
  models(endpoints: readonly AiEndpoint[]): unknown;
  /** GET /v1/models/{model}: one endpoint the caller may use. */
  model(endpoint: AiEndpoint): unknown;
}

export interface MlflowFront extends FrontCodec {
  /** GET /api/2.0/endpoints/: one page, or a CallError for an unreadable page token. */
  endpointList(endpoints: readonly AiEndpoint[], pageToken: string | undefined): unknown;
  /** GET /api/2.0/endpoints/{name} */
  endpoint(endpoint: AiEndpoint): unknown;
}

/** The three caller dialects the gateway's AI routes speak (decision 043). */
export abstract class FrontCodecs {
  abstract readonly openai: OpenAiFront;
  abstract readonly anthropic: FrontCodec;
  /** MLflow deployments: `/endpoints/{name}/invocations`, read as the endpoint's task */
  abstract readonly mlflow: MlflowFront;
  /** MLflow 3: `/gateway/{name}/mlflow/invocations`, chat or embeddings told apart by the body */
  abstract readonly mlflowGateway: FrontCodec;
  /** MLflow 3: `/gateway/mlflow/v1/chat/completions`, OpenAI's chat body with the endpoint in `model` */
  abstract readonly mlflowGatewayChat: FrontCodec;
}

export function isCallError(v: unknown): v is CallError {
  return v instanceof CallError;
}
