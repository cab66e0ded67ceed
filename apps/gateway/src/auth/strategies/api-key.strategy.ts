import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Request } from 'express';
import { Strategy as CustomStrategy } from 'passport-custom';
import { presentedCredential } from '../presented-credential';
import { LocalCredentials } from '../local-credentials.service';
import { refused, Verification } from '../verification';
import { settle, STRATEGY, StrategyResult } from './strategy-result';

/** `Authorization: Bearer cus_...`: what MLFLOW_TRACKING_TOKEN sends; also the bootstrap admin key. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy<typeof CustomStrategy, Verification, StrategyResult>(CustomStrategy, STRATEGY.apiKey) {
  constructor(private readonly local: LocalCredentials) {
    super();
  }

  async validate(req: Request): Promise<StrategyResult> {
    const c = presentedCredential(req);
    if (c.kind !== 'bearer') return settle(refused('no bearer token'));
    return settle(await this.local.verifyKey(c.token, undefined));
  }
}
