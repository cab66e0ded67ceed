import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { SERVICE_CONFIG } from '@custos/platform';
import { GatewayConfig } from '../gateway.config';
import { CidrList, parseCidrList } from '../domain/cidr';
import { TokenBuckets } from '../domain/token-bucket';

/**
 * Budgets for failed authentication, per client address and per claimed account, in this replica's
 * memory (N replicas allow up to N times the budget; the per-account budget is the one that bounds
 * a distributed guesser). Only uncached verifications are limited: a credential this replica has
 * already verified goes through even while its account is being guessed at from elsewhere.
 */
@Injectable()
export class FailureLimiter implements OnModuleDestroy {
  private readonly perAddress: TokenBuckets;
  private readonly perAccount: TokenBuckets;
  private readonly exempt: CidrList;
  private readonly sweeper: NodeJS.Timeout;

  constructor(@Inject(SERVICE_CONFIG) config: GatewayConfig) {
    this.perAddress = new TokenBuckets(config.AUTH_FAILURES_PER_ADDRESS_BURST, config.AUTH_FAILURES_PER_ADDRESS_PER_MINUTE / 60);
    this.perAccount = new TokenBuckets(config.AUTH_FAILURES_PER_ACCOUNT_BURST, config.AUTH_FAILURES_PER_ACCOUNT_PER_MINUTE / 60);
    this.exempt = parseCidrList(config.AUTH_FAILURE_LIMIT_EXEMPT);
    this.sweeper = setInterval(() => {
      const now = Date.now();
      this.perAddress.sweep(now);
      this.perAccount.sweep(now);
    }, 60_000);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** How long the caller must wait, with which budget ran out; 0 when it may try. */
  retryAfter(clientIp: string, account: string | undefined, nowMs = Date.now()): { ms: number; budget?: 'address' | 'account' } {
    const byAddress = this.exempt.contains(clientIp) ? 0 : this.perAddress.retryAfterMs(clientIp, nowMs);
    const byAccount = account === undefined ? 0 : this.perAccount.retryAfterMs(account, nowMs);
    if (byAddress === 0 && byAccount === 0) return { ms: 0 };
    return byAddress >= byAccount ? { ms: byAddress, budget: 'address' } : { ms: byAccount, budget: 'account' };
  }

  recordFailure(clientIp: string, account: string | undefined, nowMs = Date.now()): void {
    if (!this.exempt.contains(clientIp)) this.perAddress.take(clientIp, nowMs);
    if (account !== undefined) this.perAccount.take(account, nowMs);
  }
}
