// Prints one line per step and the final "N passed, N failed" line; exits 1 on any failure.
// Tests are counted from jest's JSON reports and pytest's junit XML; other steps count as one check.
const fs = require('node:fs');
const path = require('node:path');
const [dir, namesArg = '', statusArg = ''] = process.argv.slice(2);
const names = namesArg.split(' ').filter(Boolean);
const statuses = statusArg.split(' ').filter(Boolean);
let passed = 0;
let failed = 0;
for (let i = 0; i < names.length; i++) {
  const name = names[i];
  const ok = statuses[i] === 'pass';
  let counted = false;
  for (const file of [`jest-${name === 'integration' ? 'int' : name}.json`]) {
    const p = path.join(dir, file);
    if (!fs.existsSync(p)) continue;
    const r = JSON.parse(fs.readFileSync(p, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
    if (!ok && r.numFailedTests === 0 && !r.numRuntimeErrorTestSuites) failed += 1;
    console.log(`${name.padEnd(18)} ${ok ? 'pass' : 'FAIL'}  ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
    counted = true;
  }
  const junit = path.join(dir, `${name}.junit.xml`);
  if (!counted && fs.existsSync(junit)) {
    const xml = fs.readFileSync(junit, 'utf8');
    const m = /<testsuite[^>]*\btests="(\d+)"[^>]*/.exec(xml);
    const attr = (k) => Number((new RegExp(`\\b${k}="(\\d+)"`).exec(m ? m[0] : '') || [0, 0])[1]);
    const total = attr('tests');
    const bad = attr('failures') + attr('errors');
    const skipped = attr('skipped');
    passed += total - bad - skipped;
    failed += bad + skipped;
    if (!ok && bad === 0) failed += 1;
    console.log(`${name.padEnd(18)} ${ok ? 'pass' : 'FAIL'}  ${total - bad - skipped} passed, ${bad + skipped} failed`);
    counted = true;
  }
  if (!counted) {
    if (ok) passed += 1;
    else failed += 1;
    console.log(`${name.padEnd(18)} ${ok ? 'pass' : 'FAIL'}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || statuses.some((s) => s !== 'pass') ? 1 : 0);
