import { Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { Request, Response } from 'express';
import { atLeast } from '@custos/rbac';
import { currentContext, MlflowApi, Policy } from '@custos/platform';
import { ForbiddenAuditFilter } from '../../proxy/forbidden.filter';
import { AiEndpointDirectory } from '../ai-endpoint-directory';
import { CallError } from '../calls/call-error';
import { CallIntake } from '../calls/call-intake';
import { FrontCodecs } from '../calls/front-codecs';
import { AI_CALL_POLICY } from './openai.controller';
import { usableEndpoints } from './usable-endpoints';
import { AiCallResponseDoc, MlflowEndpointDoc, MlflowEndpointListDoc, MlflowEndpointListQuery, MlflowGatewayChatRequestDoc, MlflowInvocationRequestDoc } from './ai-api.dto';

/**
 * MLflow's deployments API (`mlflow.deployments.get_deploy_client`: list_endpoints, get_endpoint,
 * predict) and MLflow 3's gateway invocation routes, over the same endpoints and call pipeline.
 */
@Controller()
@Policy(AI_CALL_POLICY)
@UseFilters(ForbiddenAuditFilter)
export class MlflowDeploymentsController {
  constructor(
    private readonly intake: CallIntake,
    private readonly fronts: FrontCodecs,
    private readonly directory: AiEndpointDirectory,
  ) {}

  @Get('api/2.0/endpoints/')
  @MlflowApi({ summary: 'The AI endpoints the caller may use', query: MlflowEndpointListQuery, response: MlflowEndpointListDoc })
  list(@Query('page_token') pageToken: unknown, @Res() res: Response): void {
    const page = this.fronts.mlflow.endpointList(usableEndpoints(this.directory, currentContext()?.principal), typeof pageToken === 'string' ? pageToken : undefined);
    if (page instanceof CallError) return this.refuse(res, page);
    res.status(200).json(page);
  }

  @Get('api/2.0/endpoints/:name')
  @MlflowApi({ summary: 'One AI endpoint', params: { name: 'the endpoint name' }, response: MlflowEndpointDoc })
  get(@Param('name') name: string, @Res() res: Response): void {
    const principal = currentContext()?.principal;
    const endpoint = this.directory.get(name);
    if (!endpoint || !principal || !atLeast(this.directory.permission(principal, endpoint), 'USE')) {
      return this.refuse(res, new CallError('endpoint_not_found', `The endpoint '${name.slice(0, 256)}' does not exist or you do not have access to it.`));
    }
    res.status(200).json(this.fronts.mlflow.endpoint(endpoint));
  }

  @Post('endpoints/:name/invocations')
  @HttpCode(200)
  @MlflowApi({ summary: 'Call an AI endpoint (MLflow deployments predict)', params: { name: 'the endpoint name' }, body: MlflowInvocationRequestDoc, response: AiCallResponseDoc })
  invoke(@Param('name') name: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.intake.handle({ front: this.fronts.mlflow, task: 'endpoint', endpointName: name }, req, res);
  }

  @Post('gateway/:name/mlflow/invocations')
  @HttpCode(200)
  @MlflowApi({ summary: 'Call an AI endpoint (MLflow 3 gateway invocation)', params: { name: 'the endpoint name' }, body: MlflowInvocationRequestDoc, response: AiCallResponseDoc })
  gatewayInvoke(@Param('name') name: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.intake.handle({ front: this.fronts.mlflowGateway, task: 'endpoint', endpointName: name }, req, res);
  }

  @Post('gateway/mlflow/v1/chat/completions')
  @HttpCode(200)
  @MlflowApi({ summary: 'Chat through an AI endpoint named in `model` (MLflow 3 gateway, OpenAI shapes)', body: MlflowGatewayChatRequestDoc, response: AiCallResponseDoc })
  gatewayChat(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.intake.handle({ front: this.fronts.mlflowGatewayChat, task: 'llm/v1/chat' }, req, res);
  }

  private refuse(res: Response, e: CallError): void {
    const { status, headers, body } = this.fronts.mlflow.error(e, currentContext()?.correlationId ?? '');
    res.status(status).set(headers).json(body);
  }
}
