import { z } from 'zod';
import { defineEvent } from '../schema-registry';

/** Audit records its own checkpoints as events so that they too reach every reader of the bus. */
export const ChainCheckpointed = defineEvent('audit.ChainCheckpointed', {
  version: 1,
  schema: z.object({ sequence: z.number().int().nonnegative(), headHash: z.string().regex(/^[0-9a-f]{64}$/) }),
});

export const auditEvents = [ChainCheckpointed];
