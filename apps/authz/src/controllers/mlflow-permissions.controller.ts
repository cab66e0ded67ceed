import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { Actions, ResourceType } from '@custos/rbac';
import { MlflowApi, Policy } from '@custos/platform';
import { AuthzError, isAuthzError, parsePermission, validateResourcePattern } from '@custos/authz-domain';
import { AuthzAccess } from '../access/authz-access.service';
import { AccessCommands } from '../commands/access-commands.service';
import { AccessQueries } from '../queries/access.queries';
import { UserQueries, UserRow } from '../queries/users.queries';
import {
  ExperimentPermissionRequest,
  ExperimentPermissionResponse,
  ExperimentPermissionWriteRequest,
  RegisteredModelPermissionRequest,
  RegisteredModelPermissionResponse,
  RegisteredModelPermissionWriteRequest,
} from '../dtos/mlflow-auth.dto';

type PermissionTarget = ExperimentPermissionRequest | RegisteredModelPermissionRequest;
type PermissionWrite = ExperimentPermissionWriteRequest | RegisteredModelPermissionWriteRequest;

/** How MLflow names and words each resource's permission routes. */
interface Flavor {
  type: ResourceType;
  /** The request field naming the resource. */
  idField: 'experiment_id' | 'name';
  /** The response key. */
  key: 'experiment_permission' | 'registered_model_permission';
  exists(id: string, username: string): string;
  missing(id: string, username: string): string;
  /** What the resource is called in a sentence. */
  noun: string;
}

const EXPERIMENT: Flavor = {
  type: 'experiment',
  idField: 'experiment_id',
  key: 'experiment_permission',
  exists: (id, u) => `Experiment permission (experiment_id=${id}, username=${u}) already exists.`,
  missing: (id, u) => `Experiment permission with experiment_id=${id} and username=${u} not found`,
  noun: 'experiment',
};

const REGISTERED_MODEL: Flavor = {
  type: 'registered_model',
  idField: 'name',
  key: 'registered_model_permission',
  exists: (id, u) => `Registered model permission with workspace=default, name=${id} and username=${u} already exists.`,
  missing: (id, u) => `Registered model permission with workspace=default, name=${id} and username=${u} not found`,
  noun: 'registered model',
};

/**
 * MLflow's per-resource permission routes (`/api/2.0/mlflow/{experiments,registered-models}/permissions/*`).
 * Authz does not own experiments or models, so, as MLflow's client documents, the resource need not
 * exist. Changing or reading a resource's permissions needs MANAGE on it (admins always).
 *
 * The creator of a resource (from tracking's and registry's events) holds MANAGE on it. MLflow
 * records that as an explicit permission at creation, so its routes show it: `get` answers MANAGE
 * and `create` says it already exists. Custos holds it as ownership, which no grant overrides, so
 * `update` and `delete` refuse to change it rather than pretend to.
 */
@Controller(['api/2.0/mlflow', 'ajax-api/2.0/mlflow'])
export class MlflowPermissionsController {
  constructor(
    private readonly commands: AccessCommands,
    private readonly queries: AccessQueries,
    private readonly users: UserQueries,
    private readonly access: AuthzAccess,
  ) {}

  @Post('experiments/permissions/create')
  @HttpCode(200)
  @Policy(Actions.onExperiment('MANAGE'))
  @MlflowApi({ body: ExperimentPermissionWriteRequest, response: ExperimentPermissionResponse })
  createExperiment(@Body() dto: ExperimentPermissionWriteRequest) {
    return this.create(EXPERIMENT, dto);
  }

  @Get('experiments/permissions/get')
  @Policy(Actions.onExperiment('MANAGE'))
  @MlflowApi({ query: ExperimentPermissionRequest, response: ExperimentPermissionResponse })
  getExperiment(@Query() dto: ExperimentPermissionRequest) {
    return this.get(EXPERIMENT, dto);
  }

  @Patch('experiments/permissions/update')
  @HttpCode(200)
  @Policy(Actions.onExperiment('MANAGE'))
  @MlflowApi({ body: ExperimentPermissionWriteRequest })
  updateExperiment(@Body() dto: ExperimentPermissionWriteRequest) {
    return this.update(EXPERIMENT, dto);
  }

  @Delete('experiments/permissions/delete')
  @HttpCode(200)
  @Policy(Actions.onExperiment('MANAGE'))
  @MlflowApi({ body: ExperimentPermissionRequest })
  deleteExperiment(@Body() dto: ExperimentPermissionRequest) {
    return this.remove(EXPERIMENT, dto);
  }

  @Post('registered-models/permissions/create')
  @HttpCode(200)
  @Policy(Actions.onRegisteredModel('MANAGE'))
  @MlflowApi({ body: RegisteredModelPermissionWriteRequest, response: RegisteredModelPermissionResponse })
  createModel(@Body() dto: RegisteredModelPermissionWriteRequest) {
    return this.create(REGISTERED_MODEL, dto);
  }

  @Get('registered-models/permissions/get')
  @Policy(Actions.onRegisteredModel('MANAGE'))
  @MlflowApi({ query: RegisteredModelPermissionRequest, response: RegisteredModelPermissionResponse })
  getModel(@Query() dto: RegisteredModelPermissionRequest) {
    return this.get(REGISTERED_MODEL, dto);
  }

  @Patch('registered-models/permissions/update')
  @HttpCode(200)
  @Policy(Actions.onRegisteredModel('MANAGE'))
  @MlflowApi({ body: RegisteredModelPermissionWriteRequest })
  updateModel(@Body() dto: RegisteredModelPermissionWriteRequest) {
    return this.update(REGISTERED_MODEL, dto);
  }

  @Delete('registered-models/permissions/delete')
  @HttpCode(200)
  @Policy(Actions.onRegisteredModel('MANAGE'))
  @MlflowApi({ body: RegisteredModelPermissionRequest })
  deleteModel(@Body() dto: RegisteredModelPermissionRequest) {
    return this.remove(REGISTERED_MODEL, dto);
  }

  private async create(f: Flavor, dto: PermissionWrite) {
    const { id, user } = await this.target(f, dto);
    const permission = parsePermission(dto.permission);
    if (await this.isCreator(f, id, user)) throw AuthzError.alreadyExists(f.exists(id, user.username));
    await this.run(f, id, user, () => this.commands.grant({ type: 'CreateGrant', subject: subjectOf(user), resourceType: f.type, resourcePattern: id, permission }));
    return { [f.key]: this.json(f, id, user, permission) };
  }

  private async get(f: Flavor, dto: PermissionTarget) {
    const { id, user } = await this.target(f, dto);
    if (await this.isCreator(f, id, user)) return { [f.key]: this.json(f, id, user, 'MANAGE') };
    const grant = await this.queries.grant(subjectOf(user), f.type, id);
    if (!grant) throw AuthzError.notFound(f.missing(id, user.username));
    return { [f.key]: this.json(f, id, user, grant.permission) };
  }

  private async update(f: Flavor, dto: PermissionWrite) {
    const { id, user } = await this.target(f, dto);
    const permission = parsePermission(dto.permission);
    await this.refuseCreator(f, id, user);
    await this.run(f, id, user, () => this.commands.grant({ type: 'UpdateGrant', subject: subjectOf(user), resourceType: f.type, resourcePattern: id, permission }));
    return {};
  }

  private async remove(f: Flavor, dto: PermissionTarget) {
    const { id, user } = await this.target(f, dto);
    await this.refuseCreator(f, id, user);
    await this.run(f, id, user, () => this.commands.grant({ type: 'RevokeGrant', subject: subjectOf(user), resourceType: f.type, resourcePattern: id }));
    return {};
  }

  /** Authorization first (MLflow's validators run before its handlers), then the user lookup. */
  private async target(f: Flavor, dto: PermissionTarget): Promise<{ id: string; user: UserRow }> {
    const id = f.idField === 'experiment_id' ? (dto as ExperimentPermissionRequest).experiment_id : (dto as RegisteredModelPermissionRequest).name;
    validateResourcePattern(id);
    await this.access.requireManage(f.type, id);
    return { id, user: await this.users.byUsername(dto.username) };
  }

  private async isCreator(f: Flavor, id: string, user: UserRow): Promise<boolean> {
    return (await this.access.ownerOf(f.type, id)) === user.user_id;
  }

  private async refuseCreator(f: Flavor, id: string, user: UserRow): Promise<void> {
    if (await this.isCreator(f, id, user)) throw creatorPermissionFixed(user.username, f.noun, id);
  }

  /** The grant decider's errors, worded as MLflow words them for this resource. */
  private async run(f: Flavor, id: string, user: UserRow, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (isAuthzError(e, 'RESOURCE_ALREADY_EXISTS')) throw AuthzError.alreadyExists(f.exists(id, user.username));
      if (isAuthzError(e, 'RESOURCE_DOES_NOT_EXIST')) throw AuthzError.notFound(f.missing(id, user.username));
      throw e;
    }
  }

  private json(f: Flavor, id: string, user: UserRow, permission: string) {
    return { [f.idField]: id, user_id: user.user_id, permission };
  }
}

export function subjectOf(user: Pick<UserRow, 'user_id'>) {
  return { kind: 'principal' as const, id: user.user_id };
}

/** The creator's MANAGE is ownership, which no grant overrides: refused rather than pretended. */
export function creatorPermissionFixed(username: string, noun: string, id: string): AuthzError {
  return AuthzError.invalid(`${username} created ${noun} ${id} and holds MANAGE on it as its creator; that permission cannot be changed or removed.`);
}
