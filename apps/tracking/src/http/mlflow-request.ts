import { MlflowRequestBase } from '@custos/platform';
import { TrackingError } from '@custos/tracking-domain';

/** MLflow's request fields for the tracking API. */
export class MlflowRequest extends MlflowRequestBase {
  protected invalid(message: string): Error {
    return TrackingError.invalidParameter(message);
  }

  /** The run id, which the client sends as both `run_id` and the legacy `run_uuid`. */
  runId(): string {
    const v = this.optionalString('run_id') || this.optionalString('run_uuid');
    if (!v) throw this.missing('run_id');
    return v;
  }
}
