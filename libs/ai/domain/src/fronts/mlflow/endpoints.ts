import { AiEndpoint } from '../../endpoint';
import { failed, FrontResult, ok, refusal } from '../front-failure';

/** MLflow's page size for `GET /api/2.0/endpoints/` (mlflow/deployments/server/constants.py). */
export const MLFLOW_ENDPOINTS_PAGE_SIZE = 3000;

/**
 * One endpoint as `mlflow.deployments` parses it (its `Endpoint` model: `limit` is required and
 * may be null). The model shown is the primary target: lowest fallback order, then highest weight.
 * `endpoint_url` is the deployments invocation path the gateway serves; the client resolves it
 * against its target URI.
 */
export function renderMlflowEndpoint(ep: Pick<AiEndpoint, 'name' | 'task' | 'targets'>) {
  const primary = [...ep.targets].sort((a, b) => a.order - b.order || b.weight - a.weight)[0];
  return {
    name: ep.name,
    endpoint_type: ep.task,
    model: { name: primary?.model ?? null, provider: primary?.provider ?? '' },
    endpoint_url: `/endpoints/${encodeURIComponent(ep.name)}/invocations`,
    limit: null,
  };
}

/** MLflow's page token: base64 of `{"index": n}`. */
export function encodeMlflowPageToken(index: number): string {
  return btoa(JSON.stringify({ index }));
}

export function decodeMlflowPageToken(token: string): FrontResult<number> {
  const bad = () => failed<number>(refusal('invalid_request', `Invalid page token: ${token}. The index is not defined as a value that can be represented as a positive integer.`, 'page_token'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(atob(token));
  } catch {
    return bad();
  }
  const index = typeof parsed === 'object' && parsed !== null ? (parsed as { index?: unknown }).index : undefined;
  const n = typeof index === 'number' ? index : typeof index === 'string' && /^\d+$/.test(index) ? Number(index) : NaN;
  return Number.isInteger(n) && n >= 0 ? ok(n) : bad();
}

/**
 * GET /api/2.0/endpoints/: one page of the endpoints the caller may see, in name order, with
 * `next_page_token` only when more remain (the client loops until it is absent).
 */
export function renderMlflowEndpointList(endpoints: readonly Pick<AiEndpoint, 'name' | 'task' | 'targets'>[], pageToken?: string, pageSize = MLFLOW_ENDPOINTS_PAGE_SIZE) {
  let start = 0;
  if (pageToken !== undefined && pageToken !== '') {
    const decoded = decodeMlflowPageToken(pageToken);
    if (!decoded.ok) return decoded;
    start = decoded.value;
  }
  const sorted = [...endpoints].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const end = start + pageSize;
  return ok({ endpoints: sorted.slice(start, end).map(renderMlflowEndpoint), ...(sorted.length > end ? { next_page_token: encodeMlflowPageToken(end) } : {}) });
}

/** GET /api/2.0/endpoints/{name} when there is none (or none the caller may see): MLflow's words. */
export function mlflowEndpointNotFound(name: string) {
  return refusal('endpoint_not_found', `The endpoint '${name}' is not present or active on the server. Please verify the endpoint name.`);
}
