import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rows } from '@custos/eventing';
import { atLeast, Permission } from '@custos/rbac';
import { ApiError } from '@custos/platform';
import { TrackingError } from '@custos/tracking-domain';
import { ExperimentAccess } from '../access/experiment-access.service';
import { loggedModelNotFound } from '../access/logged-model-access.service';
import { runNotFound } from '../access/run-access.service';
import { artifactPathFromQuery, ArtifactLocation, InvalidArtifactPath, OutsideArtifactRoot, proxiedRootOf } from './artifact-path';
import { notFoundMessage, permissionDenied } from './artifact-errors';

/** A run's or logged model's artifact root, when its artifacts go through the proxy. */
export interface OwnerRoot {
  experimentId: string;
  /** The stored URI, answered as `root_uri`. */
  artifactUri: string;
  /** Undefined when the client writes its artifacts straight to its own store: not ours to serve. */
  root: ArtifactLocation | undefined;
}

/**
 * Artifact access is experiment access: uploads need EDIT, reads READ, deletes MANAGE. The order is
 * MLflow's (its auth plugin runs before the handler): the caller's access first, then the path's
 * shape, so a caller without access gets the same answer whatever path it sends.
 * - A caller who may not read the experiment gets the same 404 as for a missing artifact (Custos'
 *   rule everywhere: ids cannot be probed); a reader who lacks the needed level gets MLflow's 403
 *   "Permission denied".
 * - Custos keeps artifacts only under a run's or a logged model's root. A path elsewhere in an
 *   experiment the caller may use is refused as MLflow's auth would refuse it: 404 to a read (there
 *   is nothing), 403 to a write or delete.
 * - The run or logged model the path names must exist in that same experiment (deleted ones
 *   included, as MLflow keeps serving their artifacts), so no path borrows another experiment's owner.
 */
@Injectable()
export class ArtifactAccess {
  constructor(
    private readonly ds: DataSource,
    private readonly experiments: ExperimentAccess,
  ) {}

  /**
   * A proxy path (`<experiment>/<run>/artifacts/...`): `experimentId` is what its first segment
   * names, `parse` checks the whole of it once access is settled.
   */
  async locate(experimentId: string | undefined, displayPath: string, permission: Permission, parse: () => ArtifactLocation): Promise<ArtifactLocation> {
    if (experimentId === undefined) throw new InvalidArtifactPath('the first segment must be an experiment id');
    await this.requireExperiment(experimentId, permission, notFoundMessage({ path: displayPath }));
    const loc = this.parseWithin(parse, permission);
    await this.requireOwner(loc);
    return loc;
  }

  /** A checked location: `parse` after access was settled, as `locate` does. */
  parseWithin(parse: () => ArtifactLocation, permission: Permission): ArtifactLocation {
    try {
      return parse();
    } catch (e) {
      if (!(e instanceof OutsideArtifactRoot)) throw e;
      if (atLeast(permission, 'EDIT')) throw permissionDenied(`writes go under a run or logged model artifact root, not '${e.path}'`);
      throw TrackingError.notFound(notFoundMessage(e));
    }
  }

  /** A run's artifact root, after the caller's access to its experiment (a stranger's answer is the missing run's). */
  async requireRun(runId: string, permission: Permission): Promise<OwnerRoot> {
    const [run] = await rows<{ experiment_id: string; artifact_uri: string }>(this.ds, `SELECT experiment_id, artifact_uri FROM runs WHERE run_id = $1`, [runId]);
    if (!run) throw TrackingError.notFound(runNotFound(runId));
    await this.requireExperiment(run.experiment_id, permission, runNotFound(runId));
    return this.ownerRoot(run.experiment_id, run.artifact_uri, (loc) => loc.runId === runId, `Run ${runId}`);
  }

  /** A logged model's artifact root, like `requireRun`. */
  async requireLoggedModel(modelId: string, permission: Permission): Promise<OwnerRoot> {
    const [model] = await rows<{ experiment_id: string; artifact_location: string }>(this.ds, `SELECT experiment_id, artifact_location FROM logged_models WHERE model_id = $1`, [modelId]);
    if (!model) throw TrackingError.notFound(loggedModelNotFound(modelId));
    await this.requireExperiment(model.experiment_id, permission, loggedModelNotFound(modelId));
    return this.ownerRoot(model.experiment_id, model.artifact_location, (loc) => loc.modelId === modelId, `Logged model ${modelId}`);
  }

  private ownerRoot(experimentId: string, artifactUri: string, isOwn: (loc: ArtifactLocation) => boolean, owner: string): OwnerRoot {
    const stored = proxiedRootOf(artifactUri);
    if (stored === undefined) return { experimentId, artifactUri, root: undefined };
    let root: ArtifactLocation | undefined;
    try {
      root = artifactPathFromQuery(stored, { allowRoot: true });
    } catch {
      root = undefined;
    }
    // A stored location is the server's own data: one that is not the owner's root is a fault, said as such.
    if (!root || root.relative !== '' || root.experimentId !== experimentId || !isOwn(root)) {
      throw TrackingError.invalidParameter(`${owner} has an artifact location outside its own artifact root: ${artifactUri}`);
    }
    return { experimentId, artifactUri, root };
  }

  private async requireExperiment(experimentId: string, permission: Permission, notFound: string): Promise<void> {
    try {
      await this.experiments.require(experimentId, permission, notFound);
    } catch (e) {
      if (e instanceof ApiError && e.httpStatus === 403) throw permissionDenied(e.denial ?? e.message);
      throw e;
    }
  }

  private async requireOwner(loc: ArtifactLocation): Promise<void> {
    const [owner] = loc.runId
      ? await rows<{ experiment_id: string }>(this.ds, `SELECT experiment_id FROM runs WHERE run_id = $1`, [loc.runId])
      : await rows<{ experiment_id: string }>(this.ds, `SELECT experiment_id FROM logged_models WHERE model_id = $1`, [loc.modelId]);
    if (!owner || owner.experiment_id !== loc.experimentId) throw TrackingError.notFound(notFoundMessage(loc));
  }
}
