import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import { EventData, EventEnvelope, RequestDenied } from '@custos/events';
import { consumedBy } from '@custos/eventing';

@Controller()
export class AuthFailuresHandler {
  @EventPattern(RequestDenied.type, consumedBy('auth-failures'))
  async requestDenied(@Payload() event: EventEnvelope, @Ctx() tx: EntityManager): Promise<void> {
    const d = event.data as EventData<typeof RequestDenied>;
    if (d.reason !== 'invalid_credentials' || !d.claimedAccount) return;
    await tx.query(
      `INSERT INTO auth_failures (account, failures, last_failure_at, last_client_ip) VALUES ($1, 1, $2, $3)
       ON CONFLICT (account) DO UPDATE SET failures = auth_failures.failures + 1, last_failure_at = EXCLUDED.last_failure_at, last_client_ip = EXCLUDED.last_client_ip`,
      [d.claimedAccount, event.occurredAt, event.metadata.clientIp ?? null],
    );
  }
}
