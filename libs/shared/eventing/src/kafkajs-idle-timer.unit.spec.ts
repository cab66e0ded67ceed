import { fixKafkaJsIdleTimer, kafkaJsRequestQueue } from './kafkajs-idle-timer';

const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const queue = () => new kafkaJsRequestQueue({ maxInFlightRequests: 1, requestTimeout: 1000, enforceRequestTimeout: false, clientId: 't', broker: 'b', logger });

describe('kafkajs request queue idle timer', () => {
  beforeAll(() => fixKafkaJsIdleTimer());

  it('arms no timer when nothing is queued and no throttle is on (kafkajs re-armed one every 1 ms)', () => {
    const q = queue();
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
    q.destroy();
  });

  it('still checks a waiting request when the broker throttle ends', () => {
    const q = queue();
    q.throttledUntil = Date.now() + 10_000;
    q.pending.push({});
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(q.throttleCheckTimeoutId as NodeJS.Timeout);
    q.destroy();
  });

  it('is applied once however often services create clients', () => {
    const before = queue().scheduleCheckPendingRequests;
    fixKafkaJsIdleTimer();
    expect(queue().scheduleCheckPendingRequests).toBe(before);
  });
});

describe('kafkajs request timeouts', () => {
  beforeAll(() => fixKafkaJsIdleTimer());
  afterEach(() => jest.useRealTimers());

  it('times out an in-flight request past its deadline, checking once a second instead of every 100 ms', () => {
    jest.useFakeTimers({ now: 0 });
    const q = new kafkaJsRequestQueue({ maxInFlightRequests: 1, requestTimeout: 1000, enforceRequestTimeout: true, clientId: 't', broker: 'b', logger });
    const timeoutRequest = jest.fn();
    q.inflight.set(1, { sentAt: 0, requestTimeout: 1500, timeoutRequest });
    q.scheduleRequestTimeoutCheck();
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(1000);
    expect(timeoutRequest).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1000);
    expect(timeoutRequest).toHaveBeenCalledTimes(1);
    q.destroy();
    expect(jest.getTimerCount()).toBe(0);
  });
});
