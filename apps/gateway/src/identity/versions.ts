import { EntityManager } from 'typeorm';

/** The read models every replica watches in `gw_versions`. */
export type WatchedModel = 'identity' | 'ip_rules' | 'ai_config';

/** Every replica's VersionWatch listens here; the payload names the model. */
export const VERSIONS_CHANNEL = 'custos_gw_versions';

/**
 * Moves a watched model's version inside the projection's transaction. The notification is
 * delivered at commit, when the new state is visible, so a replica woken by it reads it; the
 * watch's periodic poll still catches a notification lost while its listener reconnected.
 */
export async function bumpVersion(tx: EntityManager, model: WatchedModel): Promise<void> {
  await tx.query(`UPDATE gw_versions SET version = version + 1 WHERE name = $1`, [model]);
  await tx.query(`SELECT pg_notify($1, $2)`, [VERSIONS_CHANNEL, model]);
}
