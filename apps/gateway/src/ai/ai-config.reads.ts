import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AiEndpoint, EndpointTarget, EndpointTimeouts, ProviderName, TaskType, UnknownParamPolicy } from '@custos/ai-domain';
import { rows } from '@custos/eventing';

export interface SecretView {
  secretId: string;
  name: string;
  provider: string;
  hint: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

type StoredTarget = Omit<EndpointTarget, 'baseUrl' | 'provider'> & { provider: string; baseUrl: string | null };

export interface EndpointView {
  endpointId: string;
  name: string;
  task: TaskType;
  targets: StoredTarget[];
  timeouts: EndpointTimeouts;
  unknownParams: UnknownParamPolicy;
  tags: Record<string, string>;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

interface EndpointRow {
  endpoint_id: string;
  name: string;
  task: TaskType;
  targets: StoredTarget[];
  timeouts: EndpointTimeouts;
  unknown_params: UnknownParamPolicy;
  tags: Record<string, string>;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

const iso = (d: Date) => new Date(d).toISOString();

/**
 * The admin API's reads, from the read model (so an admin reads their own write at once, before
 * the replicas' in-memory directories have reloaded). Secrets only ever as their masked hint: the
 * sealed values live in another table that nothing here selects.
 */
@Injectable()
export class AiConfigReads {
  constructor(private readonly ds: DataSource) {}

  async secrets(secretId?: string): Promise<SecretView[]> {
    const found = await rows<{ secret_id: string; name: string; provider: string; hint: string; created_at: Date; created_by: string; updated_at: Date; updated_by: string }>(
      this.ds,
      `SELECT secret_id, name, provider, hint, created_at, created_by, updated_at, updated_by FROM gw_ai_secrets ${secretId === undefined ? '' : 'WHERE secret_id = $1'} ORDER BY name`,
      secretId === undefined ? [] : [secretId],
    );
    return found.map((r) => ({
      secretId: r.secret_id,
      name: r.name,
      provider: r.provider,
      hint: r.hint,
      createdAt: iso(r.created_at),
      createdBy: r.created_by,
      updatedAt: iso(r.updated_at),
      updatedBy: r.updated_by,
    }));
  }

  async endpoints(name?: string): Promise<EndpointView[]> {
    const found = await rows<EndpointRow>(this.ds, `SELECT * FROM gw_ai_endpoints ${name === undefined ? '' : 'WHERE name = $1'} ORDER BY name`, name === undefined ? [] : [name]);
    return found.map(toView);
  }
}

export function toView(r: EndpointRow): EndpointView {
  return {
    endpointId: r.endpoint_id,
    name: r.name,
    task: r.task,
    targets: r.targets,
    timeouts: r.timeouts,
    unknownParams: r.unknown_params,
    tags: r.tags,
    createdAt: iso(r.created_at),
    createdBy: r.created_by,
    updatedAt: iso(r.updated_at),
    updatedBy: r.updated_by,
  };
}

/** The call path's form of a stored endpoint (a null base URL is the provider's public one). */
export function toEndpoint(v: EndpointView): AiEndpoint {
  return {
    id: v.endpointId,
    name: v.name,
    task: v.task,
    targets: v.targets.map(({ baseUrl, ...t }) => ({ ...t, provider: t.provider as ProviderName, ...(baseUrl !== null ? { baseUrl } : {}) })),
    timeouts: v.timeouts,
    unknownParams: v.unknownParams,
    tags: v.tags,
    createdBy: v.createdBy,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  };
}
