/*
 * The two ways of reading a log-batch body that decision 041 weighs, as the server runs them: the
 * hand-written reader the route keeps (decision 030), and a class-validator DTO through the
 * platform's global pipe, the way every other MLflow route reads its body. Loaded by
 * bench/validation-hot-path.mjs through ts-node; nothing here is served.
 */
import 'reflect-metadata';
import { Request } from 'express';
import { MlflowDouble, MlflowInt64, MlflowMaxLength, MlflowRepeated, MlflowRunId, MlflowString, platformValidationPipe, requestContext } from '@custos/platform';
import { MAX_DATASET_DIGEST_SIZE, MAX_DATASET_NAME_SIZE, MAX_METRIC_MODEL_ID_LENGTH } from '@custos/tracking-domain';
import { MlflowRequest } from '../../apps/tracking/src/http/mlflow-request';
import { asList, toKeyValues, toMetric } from '../../apps/tracking/src/http/mlflow-values';
import { KeyValue } from '../../apps/tracking/src/dtos/entities.dto';

class BenchMetric {
  @MlflowString({ required: true })
  key!: string;

  @MlflowDouble({ required: true })
  value!: number;

  @MlflowInt64({ required: true })
  timestamp!: number;

  @MlflowInt64()
  step?: number;

  @MlflowString()
  @MlflowMaxLength(MAX_METRIC_MODEL_ID_LENGTH)
  model_id?: string;

  @MlflowString()
  @MlflowMaxLength(MAX_DATASET_NAME_SIZE)
  dataset_name?: string;

  @MlflowString()
  @MlflowMaxLength(MAX_DATASET_DIGEST_SIZE)
  dataset_digest?: string;
}

/** LogBatch as a DTO would declare it, were the route to leave the reader. */
class BenchLogBatch {
  @MlflowRunId()
  run_id!: string;

  @MlflowString()
  run_uuid?: string;

  @MlflowRepeated(() => BenchMetric)
  metrics?: BenchMetric[];

  @MlflowRepeated(() => KeyValue)
  params?: KeyValue[];

  @MlflowRepeated(() => KeyValue)
  tags?: KeyValue[];
}

/** The route's reading today: the reader, then each metric, param and tag. */
export function viaReader(body: Record<string, unknown>): number {
  const r = new MlflowRequest({ method: 'POST', body, query: {}, headers: {} } as unknown as Request);
  r.runId();
  const metrics = asList(r.raw('metrics'), 'metrics').map((m, i) => toMetric(m, `metrics[${i}]`));
  return metrics.length + toKeyValues(r.raw('params'), 'params').length + toKeyValues(r.raw('tags'), 'tags').length;
}

const pipe = platformValidationPipe();

/** The same body through the global pipe and a DTO, then mapped to the command's metrics as the other routes map theirs. */
export async function viaDto(body: Record<string, unknown>): Promise<number> {
  const dto = (await requestContext.run({ correlationId: 'bench', path: '/api/2.0/mlflow/runs/log-batch' }, () => pipe.transform(body, { type: 'body', metatype: BenchLogBatch }))) as BenchLogBatch;
  const metrics = (dto.metrics ?? []).map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step ?? 0 }));
  return metrics.length + (dto.params ?? []).length + (dto.tags ?? []).length;
}
