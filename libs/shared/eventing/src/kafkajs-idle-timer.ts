/**
 * Two idle timers of kafkajs 2.2.4 (its last release), per broker connection.
 *
 * 1. It re-arms a 1 ms timer on every broker connection whenever its
 * request queue is empty and unthrottled: `scheduleCheckPendingRequests` computes a negative delay
 * and the timer's own callback schedules the next one. Each service woke its event loop about a
 * thousand times a second with nothing to do (~35–50 ms of CPU per second per service, idle).
 *
 *    With nothing queued and no throttle there is nothing to wait for: a later `push` that cannot
 *    be sent at once schedules its own check, and every response checks the queue. So the check is
 *    scheduled only when a request is waiting or the broker asked us to back off.
 * 2. It looks for timed-out requests every 100 ms. Our request timeout is 15 s (fetches add their
 *    max wait), so a check every second keeps timeouts within a second of their deadline and wakes
 *    each connection a tenth as often.
 */
interface InflightRequest {
  sentAt: number;
  requestTimeout: number;
  timeoutRequest(): void;
}

interface RequestQueue {
  pending: unknown[];
  inflight: Map<number, InflightRequest>;
  throttledUntil: number;
  enforceRequestTimeout: boolean;
  requestTimeoutIntervalId?: NodeJS.Timeout;
  isConnected(): boolean;
  destroy(): void;
  scheduleCheckPendingRequests(): void;
  scheduleRequestTimeoutCheck(): void;
}

const REQUEST_TIMEOUT_CHECK_MS = 1000;

// A deep import: kafkajs exports no handle on its request queue.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueueClass = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueue };

const PATCHED = Symbol.for('custos.kafkajs.idleTimerFix');

export function fixKafkaJsIdleTimer(): void {
  const proto = RequestQueueClass.prototype as RequestQueue & { [PATCHED]?: true };
  if (proto[PATCHED]) return;
  const schedule = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function (this: RequestQueue) {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
  proto.scheduleRequestTimeoutCheck = function (this: RequestQueue) {
    if (!this.enforceRequestTimeout) return;
    this.destroy();
    this.requestTimeoutIntervalId = setInterval(() => {
      const now = Date.now();
      for (const request of this.inflight.values()) {
        if (now - request.sentAt > request.requestTimeout) request.timeoutRequest();
      }
      if (!this.isConnected()) this.destroy();
    }, REQUEST_TIMEOUT_CHECK_MS);
  };
  proto[PATCHED] = true;
}

/** The queue class itself, for the test that shows the loop and its absence. */
export const kafkaJsRequestQueue = RequestQueueClass as unknown as new (opts: Record<string, unknown>) => RequestQueue & {
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  destroy(): void;
};
