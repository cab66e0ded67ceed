import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { Actions } from '@custos/rbac';
import { MlflowApi, Policy } from '@custos/platform';
import { AuthzError } from '@custos/authz-domain';
import { AuthzAccess } from '../access/authz-access.service';
import { UserCommands } from '../commands/user-commands.service';
import { mlflowRoleJson, RoleQueries } from '../queries/roles.queries';
import { mlflowUserJson, UserQueries, UserRow } from '../queries/users.queries';
import { CreateUserRequest, CurrentUserResponse, UpdateAdminRequest, UpdatePasswordRequest, UsernameRequest, UserResponse, UsersResponse } from '../dtos/mlflow-auth.dto';

/**
 * MLflow's user API (`mlflow.server.auth`), as AuthServiceClient calls it. Every route answers
 * 200 with MLflow's JSON; errors are `{error_code, message}` with MLflow's statuses. Admins list and
 * manage users; a user may read itself and change its own password (proving the current one).
 */
@Controller(['api/2.0/mlflow/users', 'ajax-api/2.0/mlflow/users'])
export class MlflowUsersController {
  constructor(
    private readonly users: UserCommands,
    private readonly queries: UserQueries,
    private readonly roles: RoleQueries,
    private readonly access: AuthzAccess,
  ) {}

  @Post('create')
  @HttpCode(200)
  @Policy(Actions.admin())
  @MlflowApi({ body: CreateUserRequest, response: UserResponse })
  async create(@Body() dto: CreateUserRequest) {
    const username = dto.username ?? '';
    const password = dto.password ?? '';
    if (!username || !password) throw AuthzError.invalid('Username and password cannot be empty.');
    const userId = await this.users.create({ username, password, kind: 'user' });
    return { user: mlflowUserJson(await this.queries.byId(userId)) };
  }

  @Get('get')
  @Policy(Actions.authenticated({ area: 'account', level: 'READ' }))
  @MlflowApi({ query: UsernameRequest, response: UserResponse })
  async get(@Query() q: UsernameRequest) {
    const username = q.username;
    await this.requireSelfOrAdmin(username);
    return { user: mlflowUserJson(await this.queries.byUsername(username)) };
  }

  /**
   * Who the caller is; any key may ask (no scope needed). Principals authz has no account for (the
   * bootstrap key, IdP users) are described from the token. `is_admin` is what this credential may
   * do: an admin's key without `admin:manage` answers false.
   */
  @Get('current')
  @Policy(Actions.authenticated())
  @MlflowApi({ response: CurrentUserResponse })
  async current() {
    const p = this.access.principal();
    const row = await this.queries.findById(p.id);
    const isAdmin = this.access.isAdmin(p);
    return { user: row ? { ...mlflowUserJson(row), is_admin: isAdmin } : { id: p.id, username: p.id, is_admin: isAdmin }, is_basic_auth: true };
  }

  /** The roster is for admins, as MLflow's `validate_can_list_users` has it without workspaces; a user reads itself through `get` or `current`. */
  @Get('list')
  @Policy(Actions.admin())
  @MlflowApi({ response: UsersResponse })
  async list() {
    const rows = await this.queries.list();
    const roles = await this.roles.rolesOfAll(rows);
    return { users: rows.map((u) => ({ ...mlflowUserJson(u), roles: (roles.get(u.user_id) ?? []).map(mlflowRoleJson) })) };
  }

  /** Admins set anyone's password; a user changing its own must give `current_password` (MLflow 3). */
  @Patch('update-password')
  @HttpCode(200)
  @Policy(Actions.authenticated({ area: 'account', level: 'MANAGE' }))
  @MlflowApi({ body: UpdatePasswordRequest })
  async updatePassword(@Body() dto: UpdatePasswordRequest) {
    const username = dto.username;
    const password = dto.password ?? '';
    const caller = await this.requireSelfOrAdmin(username);
    const target = await this.queries.byUsername(username);
    if (caller?.user_id === target.user_id) {
      const current = dto.current_password;
      if (!current) throw AuthzError.invalid('Current password is required when changing your own password.');
      if (!(await this.users.checkPassword(target.user_id, current))) throw AuthzError.invalid('Current password does not match.');
      if (password === current) throw AuthzError.invalid('New password must differ from the current password.');
    }
    await this.users.changePassword(target.user_id, password);
    return {};
  }

  @Patch('update-admin')
  @HttpCode(200)
  @Policy(Actions.admin())
  @MlflowApi({ body: UpdateAdminRequest })
  async updateAdmin(@Body() dto: UpdateAdminRequest) {
    const target = await this.queries.byUsername(dto.username);
    await this.users.execute({ type: 'SetAdmin', userId: target.user_id, isAdmin: dto.is_admin });
    return {};
  }

  @Delete('delete')
  @HttpCode(200)
  @Policy(Actions.admin())
  @MlflowApi({ body: UsernameRequest })
  async delete(@Body() dto: UsernameRequest) {
    const target = await this.queries.byUsername(dto.username);
    if (target.user_id === this.access.principal().id) {
      throw new AuthzError('BAD_REQUEST', 'Users cannot delete their own account. Ask another admin to delete this user instead.');
    }
    await this.users.delete(target.user_id);
    return {};
  }

  /**
   * MLflow's `username_is_sender` or admin. Refused before the lookup, so a non-admin cannot learn
   * which usernames exist. Returns the caller's own account when it has one.
   */
  private async requireSelfOrAdmin(username: string): Promise<UserRow | undefined> {
    const p = this.access.principal();
    const caller = await this.queries.findById(p.id);
    if (this.access.isAdmin(p) || caller?.username === username) return caller;
    throw AuthzError.denied('Permission denied');
  }
}
