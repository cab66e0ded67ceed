import { z } from 'zod';
import { defineEvent } from '../schema-registry';

export const UserCreated = defineEvent('authz.UserCreated', {
  version: 1,
  schema: z.object({ userId: z.string(), username: z.string().min(1).max(256), isAdmin: z.boolean() }),
});

export const authzEvents = [UserCreated];
