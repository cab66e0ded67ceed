import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { isAuthzError } from '@custos/authz-domain';
import { LOGGER, requestContext, SERVICE_CONFIG, StartupTask } from '@custos/platform';
import { AuthzConfig } from '../authz.config';
import { UserCommands } from './user-commands.service';

export const BOOTSTRAP_ADMIN_USERNAME = 'admin';

/**
 * A fresh installation has nobody who may create users. When AUTHZ_BOOTSTRAP_ADMIN_PASSWORD is set
 * and no account exists, the first start creates the admin user `admin`, recorded as an event by
 * the system like any other fact. With accounts present, or the variable unset, it does nothing.
 */
@Injectable()
export class BootstrapAdminTask implements StartupTask {
  constructor(
    private readonly ds: DataSource,
    private readonly users: UserCommands,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<AuthzConfig, 'AUTHZ_BOOTSTRAP_ADMIN_PASSWORD'>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(): Promise<void> {
    const password = this.config.AUTHZ_BOOTSTRAP_ADMIN_PASSWORD;
    if (!password) return;
    const [existing] = (await this.ds.query(`SELECT 1 FROM users LIMIT 1`)) as unknown[];
    if (existing) return;
    const system = { id: 'system', kind: 'system' as const, roles: ['admin' as const], groups: [] };
    await requestContext.run({ correlationId: 'startup-bootstrap-admin', principal: system }, async () => {
      try {
        await this.users.create({ username: BOOTSTRAP_ADMIN_USERNAME, password, kind: 'user', isAdmin: true });
        this.logger.info({ username: BOOTSTRAP_ADMIN_USERNAME }, 'bootstrap admin user created');
      } catch (e) {
        // Another replica won the race.
        if (!isAuthzError(e, 'RESOURCE_ALREADY_EXISTS')) throw e;
      }
    });
  }
}
