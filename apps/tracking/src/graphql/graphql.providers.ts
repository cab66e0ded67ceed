import { Provider } from '@nestjs/common';
import { DatasetSummaries } from '../queries/dataset-summaries.query';
import { ExperimentReads } from '../queries/experiment-reads.query';
import { MetricIntervals } from '../queries/metric-intervals.query';
import { ModelVersionSource, NoModelVersionsYet } from '../queries/model-version-source';
import { RunReads } from '../queries/run-reads.query';
import { GraphqlController } from './graphql.controller';
import { MlflowGraphql } from './mlflow-graphql.service';
import { MlflowResolvers } from './mlflow-resolvers';

export const graphqlControllers = [GraphqlController];

/** The read services REST and GraphQL share, and GraphQL's own executor. */
export const readProviders: Provider[] = [ExperimentReads, RunReads, MetricIntervals, DatasetSummaries, { provide: ModelVersionSource, useClass: NoModelVersionsYet }, MlflowResolvers, MlflowGraphql];
