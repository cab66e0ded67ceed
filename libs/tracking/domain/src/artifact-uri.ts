/**
 * Artifact locations derived the way MLflow derives them (`append_to_uri_path`): a run's artifacts
 * live under `<experiment location>/<run id>/artifacts`, a logged model's under
 * `<experiment location>/models/<model id>/artifacts`.
 */
export function appendToUriPath(base: string, ...segments: string[]): string {
  const trimmed = segments.map((s) => s.replace(/^\/+|\/+$/g, '')).filter((s) => s !== '');
  if (trimmed.length === 0) return base;
  return `${base.replace(/\/+$/, '')}/${trimmed.join('/')}`;
}

export function runArtifactUri(experimentArtifactLocation: string, runId: string): string {
  return appendToUriPath(experimentArtifactLocation, runId, 'artifacts');
}

export function loggedModelArtifactUri(experimentArtifactLocation: string, modelId: string): string {
  return appendToUriPath(experimentArtifactLocation, 'models', modelId, 'artifacts');
}
