import { MlflowRepeated, MlflowString } from '@custos/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AuthBoolean, AuthIntegerId } from './mlflow-auth-fields';

// MLflow's auth API (mlflow/server/auth): users, per-resource permissions, and the 3.0 roles.

const PERMISSIONS = ['READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'];

export class UsernameRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  username!: string;
}

// Empty is refused with MLflow's own sentence ("Username and password cannot be empty."), so neither is required here.
export class CreateUserRequest {
  @ApiProperty({ type: String })
  @MlflowString()
  username!: string;

  @ApiProperty({ type: String, format: 'password' })
  @MlflowString()
  password!: string;
}

export class UpdatePasswordRequest extends UsernameRequest {
  @ApiProperty({ type: String, format: 'password' })
  @MlflowString()
  password!: string;

  @ApiPropertyOptional({ type: String, format: 'password', description: 'needed when a user changes their own password' })
  @MlflowString()
  current_password?: string;
}

export class UpdateAdminRequest extends UsernameRequest {
  @ApiProperty({ type: Boolean })
  @AuthBoolean()
  is_admin!: boolean;
}

export class MlflowUser {
  @ApiProperty({ type: String })
  id!: string;

  @ApiProperty({ type: String })
  username!: string;

  @ApiProperty({ type: Boolean })
  is_admin!: boolean;
}

export class UserResponse {
  @ApiProperty({ type: () => MlflowUser })
  user!: MlflowUser;
}

export class CurrentUserResponse extends UserResponse {
  @ApiProperty({ type: Boolean })
  is_basic_auth!: boolean;
}

export class MlflowRolePermission {
  @ApiProperty({ type: Number })
  id!: number;

  @ApiProperty({ type: Number })
  role_id!: number;

  @ApiProperty({ type: String })
  resource_type!: string;

  @ApiProperty({ type: String })
  resource_pattern!: string;

  @ApiProperty({ type: String, enum: PERMISSIONS })
  permission!: string;
}

export class MlflowRole {
  @ApiProperty({ type: Number })
  id!: number;

  @ApiProperty({ type: String })
  name!: string;

  @ApiProperty({ type: String })
  workspace!: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  description?: string | null;

  @ApiProperty({ type: () => MlflowRolePermission, isArray: true })
  permissions!: MlflowRolePermission[];
}

export class MlflowUserWithRoles extends MlflowUser {
  @ApiProperty({ type: () => MlflowRole, isArray: true })
  roles!: MlflowRole[];
}

export class UsersResponse {
  @ApiProperty({ type: () => MlflowUserWithRoles, isArray: true })
  users!: MlflowUserWithRoles[];
}

// The resource first, then the user, as MLflow's handlers read them.
export class ExperimentPermissionRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  experiment_id!: string;

  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  username!: string;
}

export class ExperimentPermissionWriteRequest extends ExperimentPermissionRequest {
  @ApiProperty({ type: String, enum: PERMISSIONS })
  @MlflowString({ required: true })
  permission!: string;
}

export class ExperimentPermission {
  @ApiProperty({ type: String })
  experiment_id!: string;

  @ApiProperty({ type: String })
  user_id!: string;

  @ApiProperty({ type: String, enum: PERMISSIONS })
  permission!: string;
}

export class ExperimentPermissionResponse {
  @ApiProperty({ type: () => ExperimentPermission })
  experiment_permission!: ExperimentPermission;
}

export class RegisteredModelPermissionRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  name!: string;

  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  username!: string;
}

export class RegisteredModelPermissionWriteRequest extends RegisteredModelPermissionRequest {
  @ApiProperty({ type: String, enum: PERMISSIONS })
  @MlflowString({ required: true })
  permission!: string;
}

export class RegisteredModelPermission {
  @ApiProperty({ type: String })
  name!: string;

  @ApiProperty({ type: String })
  user_id!: string;

  @ApiProperty({ type: String, enum: PERMISSIONS })
  permission!: string;
}

export class RegisteredModelPermissionResponse {
  @ApiProperty({ type: () => RegisteredModelPermission })
  registered_model_permission!: RegisteredModelPermission;
}

export class RoleIdRequest {
  @ApiProperty({ type: Number })
  @AuthIntegerId()
  role_id!: string;
}

// Empty is refused with MLflow's own sentences, so nothing is required here.
export class CreateRoleRequest {
  @ApiProperty({ type: String })
  @MlflowString()
  name!: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  description?: string;

  @ApiPropertyOptional({ type: String, description: 'only the default workspace exists' })
  @MlflowString()
  workspace?: string;
}

export class UpdateRoleRequest extends RoleIdRequest {
  @ApiPropertyOptional({ type: String })
  @MlflowString()
  name?: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  description?: string;
}

export class ListRolesRequest {
  @ApiPropertyOptional({ type: String, isArray: true })
  @MlflowRepeated(String)
  workspace?: string[];
}

export class RoleResponse {
  @ApiProperty({ type: () => MlflowRole })
  role!: MlflowRole;
}

export class RolesResponse {
  @ApiProperty({ type: () => MlflowRole, isArray: true })
  roles!: MlflowRole[];
}

export class AddRolePermissionRequest extends RoleIdRequest {
  @ApiProperty({ type: String, example: 'experiment' })
  @MlflowString({ required: true })
  resource_type!: string;

  @ApiProperty({ type: String, description: 'an id, `*`, or a prefix ending in `*`' })
  @MlflowString({ required: true })
  resource_pattern!: string;

  @ApiProperty({ type: String, enum: PERMISSIONS })
  @MlflowString({ required: true })
  permission!: string;
}

export class RolePermissionIdRequest {
  @ApiProperty({ type: Number })
  @AuthIntegerId()
  role_permission_id!: string;
}

export class UpdateRolePermissionRequest extends RolePermissionIdRequest {
  @ApiProperty({ type: String, enum: PERMISSIONS })
  @MlflowString({ required: true })
  permission!: string;
}

export class RolePermissionResponse {
  @ApiProperty({ type: () => MlflowRolePermission })
  role_permission!: MlflowRolePermission;
}

export class RolePermissionsResponse {
  @ApiProperty({ type: () => MlflowRolePermission, isArray: true })
  role_permissions!: MlflowRolePermission[];
}

// The user first, then the role, as MLflow's handlers read them.
export class RoleAssignmentRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  username!: string;

  @ApiProperty({ type: Number })
  @AuthIntegerId()
  role_id!: string;
}

export class MlflowRoleAssignment {
  @ApiProperty({ type: Number })
  id!: number;

  @ApiProperty({ type: String })
  user_id!: string;

  @ApiProperty({ type: Number })
  role_id!: number;
}

export class RoleAssignmentResponse {
  @ApiProperty({ type: () => MlflowRoleAssignment })
  assignment!: MlflowRoleAssignment;
}

export class RoleAssignmentsResponse {
  @ApiProperty({ type: () => MlflowRoleAssignment, isArray: true })
  assignments!: MlflowRoleAssignment[];
}

// The resource first, then the user, as the handlers read them.
export class UserResourcePermissionRequest {
  @ApiProperty({ type: String, example: 'experiment' })
  @MlflowString({ required: true })
  resource_type!: string;

  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  resource_id!: string;

  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  username!: string;
}

export class UserResourcePermissionWriteRequest extends UserResourcePermissionRequest {
  @ApiProperty({ type: String, enum: PERMISSIONS })
  @MlflowString({ required: true })
  permission!: string;
}

export class UserResourcePermissionResponse {
  @ApiProperty({ type: Boolean })
  allowed!: boolean;

  @ApiProperty({ type: String, enum: PERMISSIONS })
  permission!: string;
}

export class UserPermissionEntry {
  @ApiProperty({ type: String })
  resource_type!: string;

  @ApiProperty({ type: String })
  resource_pattern!: string;

  @ApiProperty({ type: String, enum: PERMISSIONS })
  permission!: string;
}

export class UserPermissionsResponse {
  @ApiProperty({ type: Boolean })
  is_admin!: boolean;

  @ApiProperty({ type: () => UserPermissionEntry, isArray: true })
  permissions!: UserPermissionEntry[];
}
