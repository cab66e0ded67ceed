import { Provider } from '@nestjs/common';
import { TrackingConfig } from '../tracking.config';
import { ArtifactAccess } from './artifact-access.service';
import { ArtifactBucketTask } from './artifact-bucket.task';
import { ARTIFACT_KEY_RING, artifactKeyRing } from './artifact-keys';
import { ArtifactService } from './artifact.service';
import { LoggedModelArtifactsController } from './logged-model-artifacts.controller';
import { MlflowArtifactsController } from './mlflow-artifacts.controller';
import { ArtifactObjectStore } from './object-store.service';
import { RotateArtifactKeysCommand } from './rotate-artifact-keys.command';
import { RunArtifactFilesController } from './run-artifact-files.controller';
import { RunArtifactsController } from './run-artifacts.controller';
import { RunArtifactListing } from './run-artifact-listing';

export { ARTIFACT_STREAMED_BODY_PATHS } from './mlflow-artifacts.controller';
export { ArtifactBucketTask } from './artifact-bucket.task';
export { RotateArtifactKeysCommand } from './rotate-artifact-keys.command';
export { RunArtifactListing } from './run-artifact-listing';

export const artifactControllers = [MlflowArtifactsController, RunArtifactsController, RunArtifactFilesController, LoggedModelArtifactsController];

/** Parses the master keys eagerly: a bad key ring stops the service at boot, naming the variable. */
export function artifactProviders(config: TrackingConfig): Provider[] {
  return [{ provide: ARTIFACT_KEY_RING, useValue: artifactKeyRing(config) }, ArtifactObjectStore, ArtifactService, ArtifactAccess, RunArtifactListing, ArtifactBucketTask, RotateArtifactKeysCommand];
}
