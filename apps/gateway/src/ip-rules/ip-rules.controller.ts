import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { uuidv7 } from '@custos/events';
import { Actions } from '@custos/rbac';
import { AdminApi, Policy } from '@custos/platform';
import { GatewayError } from '../domain/gateway-error';
import { ForbiddenAuditFilter } from '../proxy/forbidden.filter';
import { AddIpRuleDto, IpRuleCreatedDto, IpRuleListDto } from './ip-rule.dto';
import { IpRuleCommands } from './ip-rule-commands.service';
import { IpRules } from './ip-rule-set.service';

/**
 * Admin API for IP allow/deny rules. Reached through the proxy middleware, which applies IP rules
 * and authenticates first and then hands the request to Nest with a gateway-signed internal token,
 * so the same guard and `@Policy` decide here as in every other service.
 */
@Controller('api/gateway/ip-rules')
@Policy(Actions.admin())
@UseFilters(ForbiddenAuditFilter)
export class IpRulesController {
  constructor(
    private readonly commands: IpRuleCommands,
    private readonly rules: IpRules,
  ) {}

  @Get()
  @AdminApi({ response: IpRuleListDto })
  async list() {
    return { rules: await this.rules.list() };
  }

  @Post()
  @HttpCode(201)
  @AdminApi({ body: AddIpRuleDto, status: 201, response: IpRuleCreatedDto })
  async add(@Body() dto: AddIpRuleDto) {
    const ruleId = uuidv7();
    await this.commands.execute({ type: 'AddIpRule', ruleId, action: dto.action, cidr: dto.cidr, routePrefix: dto.routePrefix ?? null, description: dto.description ?? '' });
    const [rule] = await this.rules.list(ruleId);
    return { rule };
  }

  @Delete(':ruleId')
  @HttpCode(204)
  @AdminApi({ status: 204 })
  async remove(@Param('ruleId') ruleId: string) {
    if (ruleId.length > 64) throw new GatewayError('RESOURCE_DOES_NOT_EXIST', 'no such IP rule');
    await this.commands.execute({ type: 'RemoveIpRule', ruleId });
  }
}
