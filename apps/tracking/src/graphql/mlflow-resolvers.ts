import { Injectable } from '@nestjs/common';
import { mlflowMissing } from '@custos/platform';
import { TrackingError } from '@custos/tracking-domain';
import { RunArtifactListing } from '../artifacts/run-artifact-listing';
import { DatasetSummaries } from '../queries/dataset-summaries.query';
import { ExperimentReads } from '../queries/experiment-reads.query';
import { MetricIntervals } from '../queries/metric-intervals.query';
import { ModelVersionSource } from '../queries/model-version-source';
import { RunReads } from '../queries/run-reads.query';

/** A GraphQL input object as graphql-js hands it over: coerced to the schema's types. */
type Input = Record<string, unknown> | null | undefined;
type Args = { input?: Input; inputString?: unknown };

const str = (input: Input, name: string): string | undefined => {
  const v = input?.[name];
  return typeof v === 'string' ? v : undefined;
};
const int = (input: Input, name: string): number | undefined => {
  const v = input?.[name];
  return typeof v === 'number' ? v : undefined;
};
/** `[String]` may hold nulls; protobuf's repeated string has none. */
const strings = (input: Input, name: string): string[] => {
  const v = input?.[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
};
const required = (v: string | undefined, field: string): string => {
  if (v === undefined || v === '') throw TrackingError.invalidParameter(mlflowMissing(field));
  return v;
};

interface RunJson {
  info: { run_id: string; experiment_id: string };
}

/**
 * The root fields of MLflow's schema, each answered by the query service its REST route uses, so
 * GraphQL checks access, validates and filters exactly as REST does (a run the caller may not read
 * is answered as a missing one). Results are MLflow's JSON messages (snake_case); the executor's
 * field resolver reads them under the schema's camelCase names.
 */
@Injectable()
export class MlflowResolvers {
  constructor(
    private readonly experiments: ExperimentReads,
    private readonly runs: RunReads,
    private readonly artifacts: RunArtifactListing,
    private readonly intervals: MetricIntervals,
    private readonly datasets: DatasetSummaries,
    private readonly modelVersions: ModelVersionSource,
  ) {}

  /** The root value of one execution; experiments asked for by several runs are read once. */
  rootValue(): Record<string, (args: Args) => unknown> {
    const experimentsRead = new Map<string, Promise<unknown>>();
    const experimentOf = (id: string) => {
      if (!experimentsRead.has(id))
        experimentsRead.set(
          id,
          this.experiments.get(id).then((r) => r.experiment),
        );
      return experimentsRead.get(id);
    };
    // MLflow's MlflowRunExtension: a run with its experiment and the model versions made from it.
    const runNode = <T extends RunJson>(run: T) => ({
      ...run,
      experiment: () => experimentOf(run.info.experiment_id),
      modelVersions: () => this.modelVersions.forRun(run.info.run_id),
    });
    const searchRuns = async ({ input }: Args) => {
      const res = await this.runs.search({
        experimentIds: strings(input, 'experimentIds'),
        filter: str(input, 'filter'),
        runViewType: str(input, 'runViewType'),
        maxResults: int(input, 'maxResults'),
        orderBy: strings(input, 'orderBy'),
        pageToken: str(input, 'pageToken'),
      });
      return { ...res, runs: (res.runs as RunJson[]).map(runNode) };
    };
    return {
      mlflowGetExperiment: ({ input }) => this.experiments.get(required(str(input, 'experimentId'), 'experiment_id')),
      mlflowGetRun: async ({ input }) => {
        const { run } = await this.runs.get(required(str(input, 'runId') || str(input, 'runUuid'), 'run_id'));
        return { run: runNode(run as RunJson) };
      },
      mlflowSearchRuns: searchRuns,
      mlflowListArtifacts: ({ input }) => this.artifacts.list(required(str(input, 'runId') || str(input, 'runUuid'), 'run_id'), str(input, 'path') ?? ''),
      mlflowGetMetricHistoryBulkInterval: ({ input }) =>
        this.intervals.bulkInterval({
          runIds: strings(input, 'runIds'),
          metricKey: str(input, 'metricKey'),
          maxResults: int(input, 'maxResults'),
          startStep: int(input, 'startStep'),
          endStep: int(input, 'endStep'),
        }),
      mlflowSearchModelVersions: ({ input }) =>
        this.modelVersions.search({ filter: str(input, 'filter'), maxResults: int(input, 'maxResults'), orderBy: strings(input, 'orderBy'), pageToken: str(input, 'pageToken') }),
      mlflowSearchDatasets: ({ input }) => this.datasets.search(strings(input, 'experimentIds')),
      test: (args) => ({ output: args.inputString ?? null }),
      testMutation: (args) => ({ output: args.inputString ?? null }),
    };
  }
}
