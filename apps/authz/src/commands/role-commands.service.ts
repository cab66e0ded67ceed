import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CommandExecutor, pgCode, pgConstraint, PG } from '@custos/eventing';
import { eventMetadata } from '@custos/platform';
import { AuthzError, GrantSpec, RoleCommand, roleDecider, roleStreamId, validateRoleName } from '@custos/authz-domain';
import { AuthzProjection } from '../projections/authz.projection';

@Injectable()
export class RoleCommands {
  constructor(
    private readonly ds: DataSource,
    private readonly executor: CommandExecutor,
    private readonly projection: AuthzProjection,
  ) {}

  async create(name: string, description: string | undefined, grants: GrantSpec[]): Promise<string> {
    validateRoleName(name);
    const [{ id }] = (await this.ds.query(`SELECT nextval('role_ids')::text AS id`)) as { id: string }[];
    await this.execute({ type: 'CreateRole', roleId: id, name, description, grants }, name);
    return id;
  }

  async execute(command: RoleCommand, nameForConflict?: string): Promise<void> {
    try {
      await this.executor.execute(roleDecider, roleStreamId(command.roleId), command, eventMetadata(), this.projection.inline);
    } catch (e) {
      // Role names are unique across streams: the read model's unique index is the arbiter.
      if (pgCode(e) === PG.uniqueViolation && pgConstraint(e) === 'roles_name_unique') {
        throw AuthzError.alreadyExists(`Role (name=${nameForConflict ?? ''}, workspace=default) already exists.`);
      }
      throw e;
    }
  }
}
