// Peak resident memory of some servers' process trees, sampled every 250 ms in a process of its own
// (a /proc scan would otherwise stall the stream loader's event loop and show up as latency).
//   node rss-sampler.mjs name=pid ...   On SIGTERM prints {"name": peak bytes, ...} and exits.
import { parents, rss, tree } from './proc.mjs';

const roots = process.argv
  .slice(2)
  .map((a) => a.split('='))
  .map(([name, pid]) => [name, Number(pid)]);
const peak = Object.fromEntries(roots.map(([name]) => [name, 0]));
let trees = new Map();
let scans = 0;
const sample = () => {
  // The process trees change rarely (workers start and stop): re-scan /proc once every 2 s.
  if (scans++ % 8 === 0) {
    const parent = parents();
    trees = new Map(roots.map(([name, pid]) => [name, tree(pid, parent)]));
  }
  for (const [name, pids] of trees) peak[name] = Math.max(peak[name], rss(pids));
};
sample();
const timer = setInterval(sample, 250);
process.on('SIGTERM', () => {
  clearInterval(timer);
  sample();
  process.stdout.write(`${JSON.stringify(peak)}\n`, () => process.exit(0));
});
