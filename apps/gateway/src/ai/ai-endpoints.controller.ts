import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseFilters } from '@nestjs/common';
import { AiConfigError, EndpointInput, newUpstreams } from '@custos/ai-domain';
import { Actions, actsAsAdmin, atLeast, Permission, Principal } from '@custos/rbac';
import { AdminApi, ApiError, currentContext, Policy } from '@custos/platform';
import { ForbiddenAuditFilter } from '../proxy/forbidden.filter';
import { AiEndpointDto, AiEndpointListDto, CreateAiEndpointDto, UpdateAiEndpointDto } from './ai-config.dto';
import { AiConfigReads, EndpointView, toEndpoint } from './ai-config.reads';
import { AiEndpointCommands } from './ai-endpoint-commands.service';
import { MemoryAiEndpointDirectory } from './memory-endpoint-directory.service';

/**
 * AI endpoints. Creating one is an admin's act (its targets spend admin-managed credentials); on an
 * existing one, USE reads it, EDIT changes it (new upstreams for a credential stay an admin's),
 * MANAGE deletes it, decided from the gateway's in-memory grants; its creator holds MANAGE. A
 * caller without even READ is told it does not exist (and audit records the refusal).
 */
@Controller('api/gateway/ai/endpoints')
@UseFilters(ForbiddenAuditFilter)
export class AiEndpointsController {
  constructor(
    private readonly commands: AiEndpointCommands,
    private readonly reads: AiConfigReads,
    private readonly directory: MemoryAiEndpointDirectory,
  ) {}

  /** Only the endpoints the caller may use. */
  @Get()
  @Policy(Actions.onGatewayRoute('USE'))
  @AdminApi({ response: AiEndpointListDto })
  async list() {
    const p = principal();
    const all = await this.reads.endpoints();
    return { endpoints: all.filter((v) => this.directory.decide(p, toEndpoint(v), 'USE').allowed) };
  }

  @Post()
  @HttpCode(201)
  @Policy(Actions.admin())
  @AdminApi({ body: CreateAiEndpointDto, status: 201, response: AiEndpointDto })
  async create(@Body() dto: CreateAiEndpointDto) {
    const { name, ...input } = dto;
    await this.commands.create(name, input as EndpointInput);
    return this.one(name);
  }

  @Get(':name')
  @Policy(Actions.onGatewayRoute('USE'))
  @AdminApi({ response: AiEndpointDto })
  get(@Param('name') name: string) {
    return this.require(name, 'USE');
  }

  @Put(':name')
  @Policy(Actions.onGatewayRoute('EDIT'))
  @AdminApi({ body: UpdateAiEndpointDto, response: AiEndpointDto })
  async update(@Param('name') name: string, @Body() dto: UpdateAiEndpointDto) {
    const current = await this.require(name, 'EDIT');
    if (dto.targets && !actsAsAdmin(principal())) {
      const added = newUpstreams(current.targets, dto.targets);
      if (added.length > 0) {
        throw new ApiError(403, 'PERMISSION_DENIED', `Permission denied: only an admin may point a credential at a new upstream (${added.map((t) => `${t.provider} ${t.secretId}`).join(', ')})`);
      }
    }
    await this.commands.update(name, dto as Partial<EndpointInput>);
    return this.one(name);
  }

  @Delete(':name')
  @HttpCode(204)
  @Policy(Actions.onGatewayRoute('MANAGE'))
  @AdminApi({ status: 204 })
  async remove(@Param('name') name: string) {
    await this.require(name, 'MANAGE');
    await this.commands.delete(name);
  }

  private async one(name: string): Promise<EndpointView> {
    const [v] = await this.reads.endpoints(name);
    if (!v) throw notFound(name);
    return v;
  }

  private async require(name: string, need: Permission): Promise<EndpointView> {
    const v = await this.one(name.slice(0, 256));
    const decision = this.directory.decide(principal(), toEndpoint(v), need);
    if (decision.allowed) return v;
    if (!decision.effective || !atLeast(decision.effective, 'READ')) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', notFound(name).message, decision.reason);
    throw new ApiError(403, 'PERMISSION_DENIED', `Permission denied: ${decision.reason}`);
  }
}

const notFound = (name: string) => new AiConfigError('RESOURCE_DOES_NOT_EXIST', `endpoint ${name.slice(0, 128)} does not exist`);

function principal(): Principal {
  const p = currentContext()?.principal;
  if (!p) throw new ApiError(401, 'UNAUTHENTICATED', 'no principal');
  return p;
}
