#!/usr/bin/env node
// Prints each service's INTERNAL_TOKEN_KEY, derived from the gateway's INTERNAL_TOKEN_SECRET (read
// from the environment, never from the command line), as NAME=value lines (decision 039):
//   INTERNAL_TOKEN_SECRET=... node scripts/internal-token-keys.js [service...]
// Uses the built platform library (npm run build), so the derivation has one definition.
const path = require('node:path');
const { InternalTokenSecret, INTERNAL_AUDIENCES } = require(path.join(__dirname, '../dist/libs/shared/platform/src/internal-token.js'));

const secret = process.env.INTERNAL_TOKEN_SECRET;
if (!secret) {
  process.stderr.write('INTERNAL_TOKEN_SECRET is not set\n');
  process.exit(2);
}
const wanted = process.argv.slice(2);
const unknown = wanted.filter((s) => !INTERNAL_AUDIENCES.includes(s));
if (unknown.length) {
  process.stderr.write(`unknown service: ${unknown.join(', ')} (one of ${INTERNAL_AUDIENCES.join(', ')})\n`);
  process.exit(2);
}
const root = InternalTokenSecret.fromBase64(secret);
const services = wanted.length ? wanted : INTERNAL_AUDIENCES;
// One service: the bare key, for `INTERNAL_TOKEN_KEY="$(...)"`; several: NAME_<SERVICE>=key lines.
if (wanted.length === 1) process.stdout.write(root.exportKeyFor(wanted[0]));
else for (const s of services) process.stdout.write(`INTERNAL_TOKEN_KEY_${s.toUpperCase()}=${root.exportKeyFor(s)}\n`);
