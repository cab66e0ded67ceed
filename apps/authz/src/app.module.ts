import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { topicFor } from '@custos/events';
import { PlatformModule, ServiceDefinition } from '@custos/platform';
import { authzEnv, AuthzConfig } from './authz.config';
import { AuthFailures1732000000300 } from './migrations/1732000000300-auth-failures';
import { AuthzReadModels1732000000310 } from './migrations/1732000000310-authz-read-models';
import { AuthFailuresHandler } from './consumers/auth-failures.handler';
import { ResourceOwnersHandler } from './consumers/resource-owners.handler';
import { AuthzProjection } from './projections/authz.projection';
import { AuthzAccess } from './access/authz-access.service';
import { UserCommands } from './commands/user-commands.service';
import { ApiKeyCommands } from './commands/api-key-commands.service';
import { RoleCommands } from './commands/role-commands.service';
import { AccessCommands } from './commands/access-commands.service';
import { BootstrapAdminTask } from './commands/bootstrap-admin.task';
import { UserQueries } from './queries/users.queries';
import { RoleQueries } from './queries/roles.queries';
import { AccessQueries } from './queries/access.queries';
import { MlflowUsersController } from './controllers/mlflow-users.controller';
import { MlflowPermissionsController } from './controllers/mlflow-permissions.controller';
import { MlflowUserPermissionsController } from './controllers/mlflow-user-permissions.controller';
import { MlflowRolesController } from './controllers/mlflow-roles.controller';
import { AccountsController } from './controllers/accounts.controller';
import { ApiKeysController } from './controllers/api-keys.controller';
import { RolesController } from './controllers/roles.controller';
import { SettingsController } from './controllers/settings.controller';

export const authzService: ServiceDefinition = {
  service: 'authz',
  configSchema: authzEnv,
  migrations: [AuthFailures1732000000300, AuthzReadModels1732000000310],
  projections: [AuthzProjection],
  startupTasks: [BootstrapAdminTask],
  consumers: [
    { name: 'auth-failures', topics: [topicFor('gateway')] },
    { name: 'resource-owners', topics: [topicFor('tracking'), topicFor('registry'), topicFor('gateway')] },
  ],
};

@Module({})
export class AuthzModule {
  static forRoot(config: AuthzConfig, logger: Logger): DynamicModule {
    return {
      module: AuthzModule,
      imports: [PlatformModule.forRoot(authzService, config, logger)],
      controllers: [
        MlflowUsersController,
        MlflowPermissionsController,
        MlflowUserPermissionsController,
        MlflowRolesController,
        AccountsController,
        ApiKeysController,
        RolesController,
        SettingsController,
        AuthFailuresHandler,
        ResourceOwnersHandler,
      ],
      providers: [AuthzProjection, AuthzAccess, UserCommands, ApiKeyCommands, RoleCommands, AccessCommands, BootstrapAdminTask, UserQueries, RoleQueries, AccessQueries],
    };
  }
}
