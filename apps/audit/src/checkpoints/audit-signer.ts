import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@custos/platform';
import { loadSigningKey, SigningKey } from '@custos/audit-domain';
import { AuditConfig } from '../audit.config';

/** The Ed25519 key that signs checkpoints (AUDIT_SIGNING_KEY); only its public half ever leaves. */
@Injectable()
export class AuditSigner {
  readonly key: SigningKey;

  constructor(@Inject(SERVICE_CONFIG) config: Pick<AuditConfig, 'AUDIT_SIGNING_KEY'>) {
    this.key = loadSigningKey(config.AUDIT_SIGNING_KEY);
  }
}
