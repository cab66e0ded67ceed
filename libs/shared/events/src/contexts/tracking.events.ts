import { z } from 'zod/v4';
import { defineEvent } from '../schema-registry';
import { encodedMetricValue, metricSeriesList, MetricPoint, toMetricSeries } from './metric-series';

export * from './metric-series';

const tag = z.object({ key: z.string().min(1).max(250), value: z.string().max(8000) });

/**
 * v1 carried no tags; v2 added them. Kept as the worked example of versioning: old events are read
 * through the upcaster, never rewritten.
 */
export const ExperimentCreated = defineEvent(
  'tracking.ExperimentCreated',
  {
    version: 1,
    schema: z.object({ experimentId: z.string(), name: z.string(), artifactLocation: z.string() }),
    upcast: (d: { experimentId: string; name: string; artifactLocation: string }) => ({ ...d, tags: [] }),
  },
  {
    version: 2,
    schema: z.object({ experimentId: z.string(), name: z.string().min(1).max(500), artifactLocation: z.string(), tags: z.array(tag) }),
  },
);

/*
 * The rest of the tracking context. Every event is a fact that already passed the domain rules
 * (MLflow's limits live in @custos/tracking-domain); the schemas here guard the shape on produce and
 * consume. Times that the client supplies (run start/end, metric timestamps) are data; the time a
 * fact was recorded is the envelope's `occurredAt`, so no event repeats it.
 */

const experimentId = z.string().min(1).max(64);
const runId = z.string().min(1).max(256);
const modelId = z.string().min(1).max(256);
const key = z.string().min(1).max(250);
const param = z.object({ key, value: z.string().max(6000) });
const epochMillis = z.number().int().nonnegative();

export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const metric = z.object({ key, value: encodedMetricValue, timestamp: epochMillis, step: z.number().int() });

export const ExperimentRenamed = defineEvent('tracking.ExperimentRenamed', {
  version: 1,
  schema: z.object({ experimentId, name: z.string().min(1).max(500) }),
});

export const ExperimentDeleted = defineEvent('tracking.ExperimentDeleted', {
  version: 1,
  schema: z.object({ experimentId }),
});

export const ExperimentRestored = defineEvent('tracking.ExperimentRestored', {
  version: 1,
  schema: z.object({ experimentId }),
});

export const ExperimentTagSet = defineEvent('tracking.ExperimentTagSet', {
  version: 1,
  schema: z.object({ experimentId, key, value: z.string().max(5000) }),
});

export const ExperimentTagDeleted = defineEvent('tracking.ExperimentTagDeleted', {
  version: 1,
  schema: z.object({ experimentId, key }),
});

export const RunCreated = defineEvent('tracking.RunCreated', {
  version: 1,
  schema: z.object({
    runId,
    experimentId,
    runName: z.string().min(1).max(250),
    userId: z.string().max(256),
    startTime: epochMillis,
    status: z.enum(RUN_STATUSES),
    artifactUri: z.string().min(1).max(2048),
    /** Includes `mlflow.runName`, which always equals `runName`. */
    tags: z.array(tag),
  }),
});

/** Carries the resulting values; a projection also sets the `mlflow.runName` tag to `runName`. */
export const RunUpdated = defineEvent('tracking.RunUpdated', {
  version: 1,
  schema: z.object({ runId, status: z.enum(RUN_STATUSES), endTime: epochMillis.nullable(), runName: z.string().min(1).max(250) }),
});

export const RunDeleted = defineEvent('tracking.RunDeleted', { version: 1, schema: z.object({ runId }) });

export const RunRestored = defineEvent('tracking.RunRestored', { version: 1, schema: z.object({ runId }) });

/**
 * One event for log-metric, log-param, set-tag and log-batch. Params hold only keys new to the run
 * (re-logging an identical param is not a new fact); metrics append; tags overwrite.
 */
/**
 * v2 added the optional per-metric `modelId`, `datasetName` and `datasetDigest` (MLflow 3 links a
 * metric to a logged model and the dataset it was computed on); v1 metrics simply lack them.
 */
const metricV2 = metric.extend({
  modelId: z.string().min(1).max(64).optional(),
  datasetName: z.string().min(1).max(500).optional(),
  datasetDigest: z.string().min(1).max(36).optional(),
});
type RunDataLoggedV1 = { runId: string; metrics: z.infer<typeof metric>[]; params: z.infer<typeof param>[]; tags: z.infer<typeof tag>[] };
type RunDataLoggedV2 = { runId: string; metrics: MetricPoint[]; params: z.infer<typeof param>[]; tags: z.infer<typeof tag>[] };
/**
 * v3 carries metrics as series (decision 020): per key, parallel columns of steps, timestamps and
 * values, instead of one object per point. The same facts in about half the bytes, and every
 * producer and consumer (tracking, the outbox, Kafka, audit's chain) handles a log-batch's 1000
 * points as 100 rows of numbers rather than 1000 objects.
 */
export const RunDataLogged = defineEvent(
  'tracking.RunDataLogged',
  {
    version: 1,
    schema: z.object({
      runId,
      metrics: z.array(metric).max(1000),
      params: z.array(param).max(100),
      tags: z.array(tag).max(100),
    }),
    upcast: (d: RunDataLoggedV1) => d,
  },
  {
    version: 2,
    schema: z.object({
      runId,
      metrics: z.array(metricV2).max(1000),
      params: z.array(param).max(100),
      tags: z.array(tag).max(100),
    }),
    upcast: (d: RunDataLoggedV2) => ({ ...d, metrics: toMetricSeries(d.metrics) }),
  },
  {
    version: 3,
    schema: z.object({
      runId,
      metrics: metricSeriesList,
      params: z.array(param).max(100),
      tags: z.array(tag).max(100),
    }),
  },
);

export const RunTagDeleted = defineEvent('tracking.RunTagDeleted', { version: 1, schema: z.object({ runId, key }) });

const inputTag = z.object({ key: z.string().min(1).max(255), value: z.string().max(500) });
const datasetInput = z.object({
  name: z.string().min(1).max(500),
  digest: z.string().min(1).max(36),
  sourceType: z.string().min(1).max(256),
  source: z.string().max(65535),
  schema: z.string().max(1048575).nullable(),
  profile: z.string().max(16777215).nullable(),
  tags: z.array(inputTag),
});

export const RunInputsLogged = defineEvent('tracking.RunInputsLogged', {
  version: 1,
  schema: z.object({
    runId,
    datasets: z.array(datasetInput).max(1000),
    models: z.array(z.object({ modelId })),
  }),
});

export const RunOutputsLogged = defineEvent('tracking.RunOutputsLogged', {
  version: 1,
  schema: z.object({ runId, models: z.array(z.object({ modelId, step: z.number().int() })) }),
});

export const LOGGED_MODEL_FINAL_STATUSES = ['READY', 'FAILED'] as const;
export type LoggedModelFinalStatus = (typeof LOGGED_MODEL_FINAL_STATUSES)[number];

/** A logged model starts PENDING; its files are uploaded afterwards and it is then finalized. */
export const LoggedModelCreated = defineEvent('tracking.LoggedModelCreated', {
  version: 1,
  schema: z.object({
    modelId,
    experimentId,
    name: z.string().min(1).max(500),
    artifactLocation: z.string().min(1).max(2048),
    modelType: z.string().max(500).nullable(),
    sourceRunId: runId.nullable(),
    tags: z.array(tag),
    params: z.array(param),
  }),
});

export const LoggedModelFinalized = defineEvent('tracking.LoggedModelFinalized', {
  version: 1,
  schema: z.object({ modelId, status: z.enum(LOGGED_MODEL_FINAL_STATUSES) }),
});

export const LoggedModelDeleted = defineEvent('tracking.LoggedModelDeleted', { version: 1, schema: z.object({ modelId }) });

export const LoggedModelTagSet = defineEvent('tracking.LoggedModelTagSet', {
  version: 1,
  schema: z.object({ modelId, tags: z.array(tag).min(1) }),
});

export const LoggedModelTagDeleted = defineEvent('tracking.LoggedModelTagDeleted', { version: 1, schema: z.object({ modelId, key }) });

export const LoggedModelParamsLogged = defineEvent('tracking.LoggedModelParamsLogged', {
  version: 1,
  schema: z.object({ modelId, params: z.array(param).min(1) }),
});

/**
 * Artifact metadata only: the bytes live encrypted in object storage and no key material is ever
 * part of an event. `experimentId`/`runId` are null for paths that belong to neither (e.g. a
 * logged model's files, or a path outside any known run).
 */
const artifactFact = {
  path: z.string().min(1).max(4096),
  experimentId: experimentId.nullable(),
  runId: runId.nullable(),
};

export const ArtifactUploaded = defineEvent('tracking.ArtifactUploaded', {
  version: 1,
  schema: z.object({ ...artifactFact, size: z.number().int().nonnegative() }),
});

export const ArtifactDownloaded = defineEvent('tracking.ArtifactDownloaded', {
  version: 1,
  schema: z.object({ ...artifactFact, size: z.number().int().nonnegative() }),
});

/** `size` is null when the object was already gone or its size unknown at deletion. */
export const ArtifactDeleted = defineEvent('tracking.ArtifactDeleted', {
  version: 1,
  schema: z.object({ ...artifactFact, size: z.number().int().nonnegative().nullable() }),
});

/**
 * One committed batch of `rotate-artifact-keys`: data keys re-wrapped under the active master key,
 * in the same transaction as the re-wrap. Key ids and counts only; key material never travels.
 */
export const ArtifactKeysRewrapped = defineEvent('tracking.ArtifactKeysRewrapped', {
  version: 1,
  schema: z.object({
    toKeyId: z.string().min(1).max(64),
    from: z.array(z.object({ keyId: z.string().min(1).max(64), count: z.number().int().positive() })).min(1),
    count: z.number().int().positive(),
  }),
});

export const trackingEvents = [
  ExperimentCreated,
  ExperimentRenamed,
  ExperimentDeleted,
  ExperimentRestored,
  ExperimentTagSet,
  ExperimentTagDeleted,
  RunCreated,
  RunUpdated,
  RunDeleted,
  RunRestored,
  RunDataLogged,
  RunTagDeleted,
  RunInputsLogged,
  RunOutputsLogged,
  LoggedModelCreated,
  LoggedModelFinalized,
  LoggedModelDeleted,
  LoggedModelTagSet,
  LoggedModelTagDeleted,
  LoggedModelParamsLogged,
  ArtifactUploaded,
  ArtifactDownloaded,
  ArtifactDeleted,
  ArtifactKeysRewrapped,
];
