import { ArtifactIntegrityError } from '@custos/artifact-crypto';
import { ApiError } from '@custos/platform';
import { ArtifactLocation } from './artifact-path';

/** What a stranger and a reader of a missing path both see. */
export const notFoundMessage = (loc: Pick<ArtifactLocation, 'path'>) => `No artifact found at '${loc.path}'`;

/**
 * A stored object that fails verification is deterministic (reading it again fails the same way),
 * so it answers 4xx: the MLflow client retries 5xx for minutes. DATA_LOSS names what happened.
 */
export function integrityFailure(loc: ArtifactLocation, e: ArtifactIntegrityError | string): ApiError {
  return new ApiError(409, 'DATA_LOSS', `Artifact '${loc.path}' cannot be read: ${typeof e === 'string' ? e : e.message}`);
}

/** MLflow's exact prefixes: the client falls back to a proxied PUT / GET when it sees them. */
export const MULTIPART_UPLOAD_UNSUPPORTED = 'Multipart upload is not supported for the current artifact repository';
export const MULTIPART_DOWNLOAD_UNSUPPORTED = 'Multipart download is not supported for the current artifact repository';

/**
 * MLflow's auth plugin refuses an artifact call with exactly this message (`make_forbidden_response`);
 * the policy's reason travels in the denial header to audit instead of in the message.
 */
export const PERMISSION_DENIED_MESSAGE = 'Permission denied';

export function permissionDenied(reason: string): ApiError {
  return new ApiError(403, 'PERMISSION_DENIED', PERMISSION_DENIED_MESSAGE, reason);
}
