import { AiEndpoint } from '@custos/ai-domain';
import { atLeast, Principal } from '@custos/rbac';
import { AiEndpointDirectory } from '../ai-endpoint-directory';

/** The endpoints a caller may call (USE or more), by name; none for a caller the guard did not name. */
export function usableEndpoints(directory: AiEndpointDirectory, principal: Principal | undefined): AiEndpoint[] {
  if (!principal) return [];
  return directory
    .list()
    .filter((e) => atLeast(directory.permission(principal, e), 'USE'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
