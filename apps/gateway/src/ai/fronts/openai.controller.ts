import { Controller, Get, HttpCode, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { Request, Response } from 'express';
import { Actions, atLeast } from '@custos/rbac';
import { currentContext, DialectApi, Policy } from '@custos/platform';
import { ForbiddenAuditFilter } from '../../proxy/forbidden.filter';
import { AiEndpointDirectory } from '../ai-endpoint-directory';
import { CallError } from '../calls/call-error';
import { CallIntake } from '../calls/call-intake';
import { FrontCodecs } from '../calls/front-codecs';
import { usableEndpoints } from './usable-endpoints';
import { AiCallResponseDoc, OpenAiChatRequestDoc, OpenAiCompletionRequestDoc, OpenAiEmbeddingsRequestDoc, OpenAiErrorBody, OpenAiModelDoc, OpenAiModelListDoc } from './ai-api.dto';

/** USE on the endpoint: the guard checks a scoped key's `gateway_routes:use`, the pipeline the endpoint itself once it is known. */
export const AI_CALL_POLICY = Actions.onGatewayRoute('USE');

/**
 * The OpenAI-compatible front (decision 043): `model` names the endpoint. Served by the gateway
 * itself behind the same IP rules, authentication and audit as every route.
 */
@Controller('v1')
@Policy(AI_CALL_POLICY)
@UseFilters(ForbiddenAuditFilter)
export class OpenAiFrontController {
  constructor(
    private readonly intake: CallIntake,
    private readonly fronts: FrontCodecs,
    private readonly directory: AiEndpointDirectory,
  ) {}

  @Post('chat/completions')
  @HttpCode(200)
  @DialectApi(OpenAiErrorBody, { summary: 'Chat completion through an AI endpoint (OpenAI dialect; SSE when stream=true)', body: OpenAiChatRequestDoc, response: AiCallResponseDoc })
  chat(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.intake.handle({ front: this.fronts.openai, task: 'llm/v1/chat' }, req, res);
  }

  @Post('completions')
  @HttpCode(200)
  @DialectApi(OpenAiErrorBody, { summary: 'Text completion through an AI endpoint (OpenAI dialect)', body: OpenAiCompletionRequestDoc, response: AiCallResponseDoc })
  completions(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.intake.handle({ front: this.fronts.openai, task: 'llm/v1/completions' }, req, res);
  }

  @Post('embeddings')
  @HttpCode(200)
  @DialectApi(OpenAiErrorBody, { summary: 'Embeddings through an AI endpoint (OpenAI dialect)', body: OpenAiEmbeddingsRequestDoc, response: AiCallResponseDoc })
  embeddings(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.intake.handle({ front: this.fronts.openai, task: 'llm/v1/embeddings' }, req, res);
  }

  @Get('models')
  @DialectApi(OpenAiErrorBody, { summary: 'The AI endpoints the caller may use, as models', response: OpenAiModelListDoc })
  models() {
    return this.fronts.openai.models(usableEndpoints(this.directory, currentContext()?.principal));
  }

  @Get('models/:model')
  @DialectApi(OpenAiErrorBody, { summary: 'One AI endpoint the caller may use, as a model', params: { model: 'the endpoint name' }, response: OpenAiModelDoc })
  model(@Param('model') name: string, @Res() res: Response): void {
    const principal = currentContext()?.principal;
    const endpoint = this.directory.get(name);
    if (endpoint && principal && atLeast(this.directory.permission(principal, endpoint), 'USE')) {
      res.status(200).json(this.fronts.openai.model(endpoint));
      return;
    }
    const { status, headers, body } = this.fronts.openai.error(
      new CallError('endpoint_not_found', `The model '${name.slice(0, 256)}' does not exist or you do not have access to it.`, 'model'),
      currentContext()?.correlationId ?? '',
    );
    res.status(status).set(headers).json(body);
  }
}
