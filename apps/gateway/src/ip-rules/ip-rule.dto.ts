import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** Body of `POST /api/gateway/ip-rules`. Canonical-form checks of `cidr` and `routePrefix` are the decider's. */
export class AddIpRuleDto {
  @ApiProperty({ type: String, enum: ['allow', 'deny'] })
  @IsIn(['allow', 'deny'])
  action!: 'allow' | 'deny';

  @ApiProperty({ type: String, example: '10.0.0.0/8' })
  @IsString()
  @MaxLength(64)
  cidr!: string;

  /** Omitted or null: every route. */
  @ApiPropertyOptional({ type: String, nullable: true, description: 'omitted or null: every route' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  routePrefix?: string | null;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  description?: string;
}

/** One stored rule, as the admin API answers it. */
export class IpRuleDto {
  @ApiProperty({ type: String })
  ruleId!: string;

  @ApiProperty({ type: String, enum: ['allow', 'deny'] })
  action!: 'allow' | 'deny';

  @ApiProperty({ type: String })
  cidr!: string;

  @ApiProperty({ type: String, nullable: true })
  routePrefix!: string | null;

  @ApiProperty({ type: String })
  description!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String })
  createdBy!: string;
}

export class IpRuleListDto {
  @ApiProperty({ type: () => IpRuleDto, isArray: true })
  rules!: IpRuleDto[];
}

export class IpRuleCreatedDto {
  @ApiProperty({ type: () => IpRuleDto })
  rule!: IpRuleDto;
}
