import { Producer } from 'kafkajs';
import { APPLIED_TOPIC, AppliedReport, EventEnvelope } from '@custos/events';
import { Log } from './kafka';

export interface AppliedReporterOptions {
  service: string;
  consumer: string;
  /** The event types this consumer enforces; ids of other events are not reported. */
  eventTypes: readonly string[];
  /**
   * What must also have happened before applied events count (the gateway: every replica dropped
   * the credentials it cached). Runs before each report, for everything gathered until then.
   */
  barrier?: () => Promise<void>;
  log?: Log;
}

const RETRY_MS = 200;
/** Ids held for a report that keeps failing; past this the oldest are dropped (their writers answered "pending"). */
const MAX_HELD = 10_000;

/**
 * Tells writers which access events an enforcing consumer has applied (decision 031). Called after
 * the consumer's transaction commits; sends at once, or, while a report is on its way, gathers
 * what follows into the next one, so a burst costs a few messages, not one per batch.
 */
export class AppliedReporter {
  private readonly types: ReadonlySet<string>;
  private held: string[] = [];
  private sending?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly producer: Producer,
    private readonly opts: AppliedReporterOptions,
  ) {
    this.types = new Set(opts.eventTypes);
  }

  applied(events: readonly EventEnvelope[]): void {
    const ids = events.filter((e) => this.types.has(e.type)).map((e) => e.id);
    if (ids.length === 0) return;
    this.held.push(...ids);
    if (this.held.length > MAX_HELD) this.held = this.held.slice(-MAX_HELD);
    this.sending ??= this.drain().finally(() => (this.sending = undefined));
  }

  /** Resolves when nothing is waiting to be reported (tests). */
  async flushed(): Promise<void> {
    while (this.sending) await this.sending;
  }

  /** Gives up what could not be sent yet: its writers have answered, or will answer, "pending". */
  stop(): void {
    this.stopped = true;
  }

  private async drain(): Promise<void> {
    while (this.held.length > 0 && !this.stopped) {
      const ids = this.held;
      this.held = [];
      try {
        await this.opts.barrier?.();
        const report: AppliedReport = { v: 1, service: this.opts.service, consumer: this.opts.consumer, eventIds: ids };
        await this.producer.send({ topic: APPLIED_TOPIC, acks: -1, messages: [{ key: `${this.opts.service}/${this.opts.consumer}`, value: JSON.stringify(report) }] });
      } catch (e) {
        // Writers waiting for these answer "pending" when their bound passes; keep trying meanwhile.
        this.opts.log?.('warn', 'applied report failed; retrying', { consumer: this.opts.consumer, err: String(e) });
        this.held = [...ids, ...this.held].slice(-MAX_HELD);
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }
}
