import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rows } from '@custos/eventing';
import { TrackingError } from '@custos/tracking-domain';
import { ExperimentAccess } from '../access/experiment-access.service';
import { artifactPathFromQuery, proxiedRootOf } from './artifact-path';
import { ArtifactService } from './artifact.service';
import { fileInfo } from './mlflow-artifacts.controller';

/**
 * A run's artifacts with paths relative to its root (`artifacts/list`), for REST and GraphQL alike.
 * A run the caller may not read answers as a missing run.
 */
@Injectable()
export class RunArtifactListing {
  constructor(
    private readonly ds: DataSource,
    private readonly access: ExperimentAccess,
    private readonly artifacts: ArtifactService,
  ) {}

  async list(runId: string, path: string) {
    const notFound = `Run with id=${runId} not found`;
    const [run] = await rows<{ experiment_id: string; artifact_uri: string }>(this.ds, `SELECT experiment_id, artifact_uri FROM runs WHERE run_id = $1`, [runId]);
    if (!run) throw TrackingError.notFound(notFound);
    await this.access.require(run.experiment_id, 'READ', notFound);
    const root = proxiedRootOf(run.artifact_uri);
    // Artifacts the client writes straight to its own store are not ours to list.
    if (root === undefined) return { root_uri: run.artifact_uri };
    const rootLoc = artifactPathFromQuery(root, { allowRoot: true });
    if (rootLoc.relative !== '' || rootLoc.experimentId !== run.experiment_id || rootLoc.runId !== runId) {
      throw TrackingError.invalidParameter(`Run ${runId} has an artifact location outside its own artifact root: ${run.artifact_uri}`);
    }
    const loc = path === '' ? rootLoc : artifactPathFromQuery(`${root}/${path}`, { allowRoot: true });
    const files = (await this.artifacts.list(loc)).map((c) => fileInfo(c, loc.relative ? `${loc.relative}/${c.name}` : c.name));
    return files.length > 0 ? { root_uri: run.artifact_uri, files } : { root_uri: run.artifact_uri };
  }
}
