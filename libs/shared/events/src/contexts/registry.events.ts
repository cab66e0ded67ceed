import { z } from 'zod/v4';
import { defineEvent } from '../schema-registry';

export const RegisteredModelCreated = defineEvent('registry.RegisteredModelCreated', {
  version: 1,
  schema: z.object({ name: z.string().min(1).max(256), description: z.string().max(5000).optional() }),
});

export const registryEvents = [RegisteredModelCreated];
