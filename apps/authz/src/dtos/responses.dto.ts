import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// What the admin API (`/api/authz/*`) answers.

export class Account {
  @ApiProperty({ type: String })
  userId!: string;

  @ApiProperty({ type: String })
  username!: string;

  @ApiProperty({ type: String, enum: ['user', 'service_account'] })
  kind!: string;

  @ApiProperty({ type: Boolean })
  isAdmin!: boolean;

  @ApiProperty({ type: String, isArray: true })
  platformRoles!: string[];

  @ApiProperty({ type: String, isArray: true })
  groups!: string[];

  @ApiProperty({ type: Boolean })
  hasPassword!: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String })
  createdBy!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: string;
}

export class AccountResponse {
  @ApiProperty({ type: () => Account })
  user!: Account;
}

export class AccountsResponse {
  @ApiProperty({ type: () => Account, isArray: true })
  users!: Account[];
}

export class ServiceAccountResponse {
  @ApiProperty({ type: () => Account })
  serviceAccount!: Account;
}

export class ServiceAccountsResponse {
  @ApiProperty({ type: () => Account, isArray: true })
  serviceAccounts!: Account[];
}

export class ApiKey {
  @ApiProperty({ type: String })
  keyId!: string;

  @ApiProperty({ type: String, description: 'the first characters, to recognise a key' })
  prefix!: string;

  @ApiProperty({ type: String })
  ownerId!: string;

  @ApiPropertyOptional({ type: String })
  ownerUsername?: string;

  @ApiProperty({ type: String })
  name!: string;

  @ApiPropertyOptional({ type: String, isArray: true })
  scopes?: string[];

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  expiresAt?: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String })
  createdBy!: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  revokedAt?: string | null;
}

export class ApiKeyResponse {
  @ApiProperty({ type: () => ApiKey })
  apiKey!: ApiKey;
}

export class IssuedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ type: String, description: 'the secret, shown this once' })
  key!: string;
}

export class ApiKeysResponse {
  @ApiProperty({ type: () => ApiKey, isArray: true })
  apiKeys!: ApiKey[];
}

export class RoleGrant {
  @ApiProperty({ type: String })
  resourceType!: string;

  @ApiProperty({ type: String })
  resourcePattern!: string;

  @ApiProperty({ type: String })
  permission!: string;
}

export class RoleAssignment {
  @ApiProperty({ type: String, enum: ['principal', 'group'] })
  kind!: string;

  @ApiProperty({ type: String })
  id!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  assignedAt!: string;
}

export class Role {
  @ApiProperty({ type: String })
  roleId!: string;

  @ApiProperty({ type: String })
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  description?: string | null;

  @ApiProperty({ type: () => RoleGrant, isArray: true })
  grants!: RoleGrant[];

  @ApiProperty({ type: () => RoleAssignment, isArray: true })
  assignments!: RoleAssignment[];

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: string;
}

export class RoleResponseDto {
  @ApiProperty({ type: () => Role })
  role!: Role;
}

export class RolesResponseDto {
  @ApiProperty({ type: () => Role, isArray: true })
  roles!: Role[];
}

export class GrantSubject {
  @ApiProperty({ type: String, enum: ['principal', 'group'] })
  kind!: string;

  @ApiProperty({ type: String })
  id!: string;
}

export class Grant extends RoleGrant {
  @ApiProperty({ type: () => GrantSubject })
  subject!: GrantSubject;
}

export class GrantResponse {
  @ApiProperty({ type: () => Grant })
  grant!: Grant;
}

export class GrantsResponse {
  @ApiProperty({ type: () => Grant, isArray: true })
  grants!: Grant[];
}

export class DefaultPermissionResponse {
  @ApiProperty({ type: String })
  permission!: string;
}

export class IdentityProvidersResponse {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  identityProviders!: Record<string, unknown>[];
}

export class IdentityProviderResponse {
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  identityProvider!: Record<string, unknown> | null;
}

export class AuthFailuresResponse {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  authFailures!: Record<string, unknown>[];
}
