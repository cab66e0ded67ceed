import { setFlagsFromString } from 'node:v8';

/**
 * Old-generation growth fixed at 2x the live heap after each full GC (V8 otherwise picks 1.1x–4x
 * from its recent GC and mutator speeds). After a minute idle, V8's dynamic factor left the
 * gateway and tracking with limits a few MB above their ~40 MB live heaps; the socket buffers that
 * streaming artifacts promote then set off a full mark-compact every ~150 ms, and the processes
 * stayed in that state: 8–11 mark-compacts and 3–5x the CPU per 100 MB. With the fixed factor the
 * same sequence runs with none. See docs/decisions/019-heap-growth.md.
 *
 * Set at run time because NODE_OPTIONS refuses this flag; V8 reads it each time it recomputes its
 * limits, so it applies from the first full GC on, however the process was started.
 */
export const HEAP_GROWING_PERCENT = 100;

export function fixHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
