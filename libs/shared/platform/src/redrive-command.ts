import { Logger } from 'pino';
import { createIdempotentProducer, createKafka, redriveDeadLetters, RedriveResult } from '@custos/eventing';
import { BaseServiceConfig } from './config';
import { logFn } from './logger';
import { ServiceDefinition } from './service-definition';

export const REDRIVE_COMMAND = 'redrive-dead-letters';

/** `--consumer NAME` (repeatable; default every consumer of the service) and `--dry-run`. */
export function parseRedriveArgs(def: Pick<ServiceDefinition, 'service' | 'consumers'>, args: readonly string[]): { consumers: string[]; dryRun: boolean } {
  const known = (def.consumers ?? []).map((c) => c.name);
  const chosen: string[] = [];
  let dryRun = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--dry-run') dryRun = true;
    else if (args[i] === '--consumer' && args[i + 1] !== undefined) chosen.push(args[++i]);
    else throw new Error(`unknown argument ${args[i]}; usage: ${REDRIVE_COMMAND} [--consumer NAME] [--dry-run]`);
  }
  const unknown = chosen.filter((c) => !known.includes(c));
  if (unknown.length > 0) throw new Error(`${def.service} has no consumer ${unknown.join(', ')} (it has: ${known.join(', ') || 'none'})`);
  return { consumers: chosen.length > 0 ? chosen : known, dryRun };
}

/**
 * `main.js redrive-dead-letters [--consumer NAME] [--dry-run]`: after a fix, sends this service's
 * dead letters back to their topics (decision 028). Kafka only: no database, HTTP or consumers.
 */
export async function runRedriveCommand(def: ServiceDefinition, config: BaseServiceConfig, args: readonly string[], logger: Logger): Promise<RedriveResult[]> {
  const { consumers, dryRun } = parseRedriveArgs(def, args);
  const log = logFn(logger.child({ command: REDRIVE_COMMAND }));
  const kafka = createKafka(`custos-${def.service}-redrive`, config.KAFKA_BROKERS, log);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    return await redriveDeadLetters(kafka, producer, { consumers, dryRun, groupIdFor: (c) => `custos-${def.service}-${c}-redrive`, log });
  } finally {
    await producer.disconnect();
  }
}
