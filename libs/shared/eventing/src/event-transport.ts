import { ArgumentsHost, Catch, INestApplication, RpcExceptionFilter } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, NestMicroservice, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom, Observable, throwError } from 'rxjs';
import { EventSchemaRegistry } from '@custos/events';
import { ConsumerDeclaration, DeclaredHandler, EventRoute, EventRoutingError, routeEventHandlers } from './event-routes';

/** One consumer's machinery (an EventConsumer) as the transport drives it. */
export interface TransportedConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface EventTransportOptions {
  consumers: readonly ConsumerDeclaration[];
  registry: EventSchemaRegistry;
  /** Builds the consumer base around a route (exactly-once, batching, retries, dead letters). */
  createConsumer(declaration: ConsumerDeclaration, route: EventRoute): TransportedConsumer;
  /** Consumers start once this resolves (brokers and database reached); never, for a passive app. */
  whenReady(): Promise<void>;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

/**
 * The consumer base as a NestJS transport: handlers are declared with `@EventPattern(type,
 * consumedBy(name))` on controllers as `(@Payload() event, @Ctx() tx)`, Nest registers them here,
 * and each declared consumer's EventConsumer calls them inside its exactly-once transaction, `tx`
 * being that transaction (decision 037). Kafka, offsets,
 * batching and dead letters stay in EventConsumer; this class routes and owns their lifecycle.
 */
export class EventTransport extends Server implements CustomTransportStrategy {
  private readonly declared: DeclaredHandler[] = [];
  private routes?: Map<string, EventRoute>;
  private running: TransportedConsumer[] = [];
  private closed = false;

  constructor(private readonly opts: EventTransportOptions) {
    super();
  }

  /** Nest's registration of each `@EventPattern` (an array of types arrives one type at a time). */
  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, unknown> = {}): void {
    if (!isEventHandler) throw new EventRoutingError(`@MessagePattern(${JSON.stringify(pattern)}): events have no reply; use @EventPattern`);
    // Not chained the way Server chains same-pattern handlers: each consumer calls only its own.
    this.declared.push({ pattern, extras, call: callHandler(callback) });
  }

  /** The routes built by listen(), for whoever needs to see them (tests, diagnostics). */
  routeOf(consumer: string): EventRoute | undefined {
    return this.routes?.get(consumer);
  }

  listen(callback: (err?: unknown) => void): void {
    try {
      this.routes = routeEventHandlers(this.declared, this.opts.consumers, new Set(this.opts.registry.types()));
    } catch (e) {
      callback(e);
      return;
    }
    callback();
    void this.startWhenReady();
  }

  private async startWhenReady(): Promise<void> {
    await this.opts.whenReady();
    if (this.closed) return;
    for (const c of this.opts.consumers) {
      const consumer = this.opts.createConsumer(c, this.routes!.get(c.name)!);
      this.running.push(consumer);
      void this.startWithRetry(c.name, consumer);
    }
  }

  private async startWithRetry(name: string, consumer: TransportedConsumer): Promise<void> {
    let delay = 250;
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        await consumer.start();
        return;
      } catch (e) {
        this.opts.log?.('warn', `waiting for consumer ${name}`, { attempt, retryInMs: delay, err: e instanceof Error ? e.message : String(e) });
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  /** Stops every consumer (each commits what it applied); safe to call twice (the runtime, then Nest). */
  async close(): Promise<void> {
    this.closed = true;
    const running = this.running;
    this.running = [];
    await Promise.allSettled(running.map((c) => c.stop()));
  }

  on(): never {
    throw new Error('the event transport emits no events of its own');
  }

  unwrap<T>(): T {
    throw new Error('the event transport has no single client to unwrap: each consumer has its own');
  }
}

/**
 * Nest wraps each handler (guards, pipes, interceptors, filters) and may answer with an Observable;
 * the consumer needs the call to settle as a promise that rejects with the handler's own error.
 */
function callHandler(handler: MessageHandler): DeclaredHandler['call'] {
  return async (payload, tx) => {
    const out: unknown = await handler(payload, tx);
    if (isObservable(out)) await lastValueFrom(out, { defaultValue: undefined });
  };
}

/**
 * Hands a handler's error back unchanged. Nest's default RPC filter replaces it with
 * `{status: 'error', message: 'Internal server error'}`, and the consumer base decides from the
 * error itself whether to wait (transient) or dead-letter (transient-failure.ts).
 */
@Catch()
export class HandlerErrorPassThrough implements RpcExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * Connects the transport to a (hybrid) Nest application and registers its handlers. Its own
 * application config, so the HTTP guards and error filter stay on HTTP, and the pass-through
 * filter installed before the handlers are wrapped; the app's init hooks are not run again.
 */
export async function connectEventTransport(app: INestApplication, transport: EventTransport): Promise<void> {
  const ms = app.connectMicroservice({ strategy: transport }, { inheritAppConfig: false, deferInitialization: true });
  ms.useGlobalFilters(new HandlerErrorPassThrough());
  if (ms instanceof NestMicroservice) ms.setIsInitHookCalled(true);
  await app.startAllMicroservices();
}
