import { Controller, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import { Request, Response } from 'express';
import { DialectApi, Policy } from '@custos/platform';
import { ForbiddenAuditFilter } from '../../proxy/forbidden.filter';
import { CallIntake } from '../calls/call-intake';
import { FrontCodecs } from '../calls/front-codecs';
import { AI_CALL_POLICY } from './openai.controller';
import { AiCallResponseDoc, AnthropicErrorBody, AnthropicMessagesRequestDoc } from './ai-api.dto';

/** The Anthropic Messages front: any chat endpoint, `model` naming it, streaming events included. */
@Controller('v1')
@Policy(AI_CALL_POLICY)
@UseFilters(ForbiddenAuditFilter)
export class AnthropicFrontController {
  constructor(
    private readonly intake: CallIntake,
    private readonly fronts: FrontCodecs,
  ) {}

  @Post('messages')
  @HttpCode(200)
  @DialectApi(AnthropicErrorBody, { summary: 'A message through a chat AI endpoint (Anthropic dialect; SSE when stream=true)', body: AnthropicMessagesRequestDoc, response: AiCallResponseDoc })
  messages(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.intake.handle({ front: this.fronts.anthropic, task: 'llm/v1/chat' }, req, res);
  }
}
