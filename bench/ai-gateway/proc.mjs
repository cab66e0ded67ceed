// Process trees from /proc: what bench.mjs and rss-sampler.mjs measure a server's processes with.
import { readFileSync, readdirSync } from 'node:fs';

/** pid -> parent pid, for every process. One scan of /proc costs ~20 ms on a busy box: not on a loader's event loop. */
export function parents() {
  const parent = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* exited meanwhile */
    }
  }
  return parent;
}

/** A process and all its descendants. */
export function tree(rootPid, parent = parents()) {
  const inTree = (pid) => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parent.get(p), hops++) if (p === rootPid) return true;
    return false;
  };
  return [...parent.keys()].filter(inTree);
}

/** Resident memory of the given processes, in bytes. */
export function rss(pids) {
  let bytes = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) bytes += Number(m[1]) * 1024;
    } catch {
      /* exited meanwhile */
    }
  }
  return bytes;
}

/** CPU time (user + system, in clock ticks) a process and its descendants have used so far. */
export function treeCpuTicks(rootPid) {
  let ticks = 0;
  for (const pid of tree(rootPid)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* exited meanwhile */
    }
  }
  return ticks;
}
