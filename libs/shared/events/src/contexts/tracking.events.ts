import { z } from 'zod';
import { defineEvent } from '../schema-registry';

const tag = z.object({ key: z.string().min(1).max(250), value: z.string().max(8000) });

/**
 * v1 carried no tags; v2 added them. Kept as the worked example of versioning: old events are read
 * through the upcaster, never rewritten.
 */
export const ExperimentCreated = defineEvent(
  'tracking.ExperimentCreated',
  {
    version: 1,
    schema: z.object({ experimentId: z.string(), name: z.string(), artifactLocation: z.string() }),
    upcast: (d: { experimentId: string; name: string; artifactLocation: string }) => ({ ...d, tags: [] }),
  },
  {
    version: 2,
    schema: z.object({ experimentId: z.string(), name: z.string().min(1).max(500), artifactLocation: z.string(), tags: z.array(tag) }),
  },
);

export const trackingEvents = [ExperimentCreated];
