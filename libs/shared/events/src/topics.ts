/**
 * One topic per bounded context, keyed by stream id so a stream's events stay in order.
 * A single dead-letter topic carries the reason in its headers.
 */
export const CONTEXTS = ['gateway', 'tracking', 'registry', 'authz', 'audit'] as const;
export type Context = (typeof CONTEXTS)[number];

export function topicFor(context: Context): string {
  return `custos.${context}.events`;
}

export const DEAD_LETTER_TOPIC = 'custos.deadletter';

export const ALL_EVENT_TOPICS: string[] = CONTEXTS.map(topicFor);
