import { formatSse } from '../../sse';
import { classifyFailure, failureHeaders } from '../failure-map';
import { FrontFailure, FrontReply } from '../front-failure';

export interface MlflowErrorBody {
  error_code: string;
  message: string;
}

/** A refusal or upstream failure as MLflow's `{error_code, message}`, with its status (and Retry-After on 429). */
export function renderMlflowError(f: FrontFailure): FrontReply<MlflowErrorBody> {
  const c = classifyFailure(f);
  return { status: c.status, headers: failureHeaders(c), body: { error_code: c.mlflow.errorCode, message: c.message } };
}

/** After a stream has begun, MLflow's gateway sends one `data:` event holding `{error: {message, type}}` and ends. */
export function mlflowStreamError(f: FrontFailure): string {
  const c = classifyFailure(f);
  return formatSse(JSON.stringify({ error: { message: c.message, type: c.mlflow.errorCode } }));
}
