import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** Body of `POST /api/gateway/ip-rules`. Canonical-form checks of `cidr` and `routePrefix` are the decider's. */
export class AddIpRuleDto {
  @IsIn(['allow', 'deny'])
  action!: 'allow' | 'deny';

  @IsString()
  @MaxLength(64)
  cidr!: string;

  /** Omitted or null: every route. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  routePrefix?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  description?: string;
}
