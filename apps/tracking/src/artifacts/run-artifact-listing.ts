import { Injectable } from '@nestjs/common';
import { ArtifactAccess } from './artifact-access.service';
import { artifactPathBelow } from './artifact-path';
import { ArtifactService } from './artifact.service';
import { fileInfo } from './mlflow-artifacts.controller';

/**
 * A run's artifacts with paths relative to its root (`artifacts/list`), for REST and GraphQL alike.
 * Permission first, then the path (decision 032); a run the caller may not read answers as a missing
 * run; an absent path, `.` and `./` are the root.
 */
@Injectable()
export class RunArtifactListing {
  constructor(
    private readonly access: ArtifactAccess,
    private readonly artifacts: ArtifactService,
  ) {}

  async list(runId: string, path: string | undefined) {
    const owner = await this.access.requireRun(runId, 'READ');
    // Artifacts the client writes straight to its own store are not ours to list.
    if (!owner.root) return { root_uri: owner.artifactUri };
    const loc = artifactPathBelow(owner.root, path, { allowRoot: true });
    const files = (await this.artifacts.list(loc)).map((c) => fileInfo(c, loc.relative ? `${loc.relative}/${c.name}` : c.name));
    return files.length > 0 ? { root_uri: owner.artifactUri, files } : { root_uri: owner.artifactUri };
  }
}
