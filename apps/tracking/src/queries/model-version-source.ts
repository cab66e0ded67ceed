import { Injectable } from '@nestjs/common';

/** MLflow's ModelVersion message as JSON (only the fields a registry will fill). */
export interface ModelVersionJson {
  name: string;
  version: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: string;
  tags?: { key: string; value: string }[];
  aliases?: string[];
}

export interface ModelVersionSearch {
  filter?: string;
  maxResults?: number;
  orderBy: string[];
  pageToken?: string;
}

/**
 * Where tracking's GraphQL reads model versions from (`mlflowSearchModelVersions`, a run's
 * `modelVersions`). The registry's routes are a later issue: until they exist no version can be
 * registered, so the only truthful answer is none. That work replaces this provider with one that
 * reads the registry's versions with the same read check as its REST search.
 */
export abstract class ModelVersionSource {
  abstract search(req: ModelVersionSearch): Promise<{ model_versions: ModelVersionJson[]; next_page_token?: string }>;
  abstract forRun(runId: string): Promise<ModelVersionJson[]>;
}

@Injectable()
export class NoModelVersionsYet extends ModelVersionSource {
  search(): Promise<{ model_versions: ModelVersionJson[] }> {
    return Promise.resolve({ model_versions: [] });
  }

  forRun(): Promise<ModelVersionJson[]> {
    return Promise.resolve([]);
  }
}
