import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CommandExecutor, pgCode, pgConstraint, PG } from '@custos/eventing';
import { eventMetadata, SERVICE_CONFIG } from '@custos/platform';
import { AccountKind, ActiveUser, AuthzError, UserCommand, userDecider, userStreamId, validatePassword, validateUsername } from '@custos/authz-domain';
import { AuthzConfig } from '../authz.config';
import { hashPassword, verifyPassword } from '../credentials/password-hash';
import { AuthzProjection } from '../projections/authz.projection';
import { ApiKeyCommands } from './api-key-commands.service';

export interface NewAccount {
  username: string;
  /** Null for service accounts and IdP-only users. */
  password: string | null;
  kind: AccountKind;
  isAdmin?: boolean;
  platformRoles?: string[];
}

/** Runs user and service-account commands; passwords are hashed here, before the domain sees them. */
@Injectable()
export class UserCommands {
  constructor(
    private readonly ds: DataSource,
    private readonly executor: CommandExecutor,
    private readonly projection: AuthzProjection,
    private readonly keys: ApiKeyCommands,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<AuthzConfig, 'AUTHZ_PASSWORD_HASH_LN'>,
  ) {}

  async create(account: NewAccount): Promise<string> {
    // Cheap checks first: a bad username must not cost a password hash.
    validateUsername(account.username);
    const passwordHash = account.password === null ? null : await this.hash(account.password);
    const userId = randomUUID();
    const command: UserCommand = {
      type: 'CreateUser',
      userId,
      username: account.username,
      kind: account.kind,
      isAdmin: account.isAdmin ?? false,
      platformRoles: account.platformRoles ?? [],
      passwordHash,
    };
    try {
      await this.execute(command);
    } catch (e) {
      // Usernames are unique across streams: the read model's unique index is the arbiter.
      if (pgCode(e) === PG.uniqueViolation && pgConstraint(e) === 'users_username_unique') {
        throw AuthzError.alreadyExists(`User (username=${account.username}) already exists.`);
      }
      throw e;
    }
    return userId;
  }

  async changePassword(userId: string, password: string): Promise<void> {
    await this.execute({ type: 'ChangePassword', userId, passwordHash: await this.hash(password) });
  }

  /** True when `password` is the user's current one (self-service changes must prove it). */
  async checkPassword(userId: string, password: string): Promise<boolean> {
    const state = await this.state(userId);
    return state?.passwordHash ? verifyPassword(password, state.passwordHash) : false;
  }

  async delete(userId: string): Promise<void> {
    await this.execute({ type: 'DeleteUser', userId });
    // Each revocation is its own fact (and audit entry). Should this stop half way, the gateway
    // already refuses keys whose owner is deleted; a retry of the delete finds nothing to delete.
    await this.keys.revokeAllOf(userId);
  }

  async execute(command: UserCommand): Promise<void> {
    await this.executor.execute(userDecider, userStreamId(command.userId), command, eventMetadata(), this.projection.inline);
  }

  private async state(userId: string): Promise<ActiveUser | undefined> {
    const { state } = await this.executor.load(this.ds.manager, userDecider, userStreamId(userId));
    return state.status === 'active' ? state : undefined;
  }

  private async hash(password: string): Promise<string> {
    validatePassword(password);
    return hashPassword(password, { ln: this.config.AUTHZ_PASSWORD_HASH_LN, r: 8, p: 1 });
  }
}
