import { readFileSync } from 'node:fs';
import { verifyOffline } from '@custos/audit-domain';

const USAGE = `usage: node dist/apps/audit/src/verify-cli.js --public-key <base64 SPKI DER> --checkpoint <checkpoint.json> --entry <entry.json> --proof <proof.json>

Verifies offline that an audit entry is in the log covered by a signed checkpoint:
  --public-key  the audit service's Ed25519 public key (GET /api/audit/public-key), or @file holding it
  --checkpoint  a signed checkpoint (from object storage, or .checkpoint of GET /api/audit/checkpoints/latest)
  --entry       the entry's canonical JSON text (the "entry" field of the inclusion proof), one trailing newline allowed
  --proof       the inclusion proof (GET /api/audit/proof/inclusion?sequence=n&size=<checkpoint size>)
Prints the verdict as JSON; exits 0 when verified, 1 when not, 2 on a usage error.`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readFile(path: string): string;
}

const defaultIo: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  readFile: (p) => readFileSync(p, 'utf8'),
};

/** Runs the verifier; returns the exit code. */
export function runVerifyCli(argv: string[], io: CliIo = defaultIo): number {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') {
      io.out(USAGE);
      return 0;
    }
    if (!['--public-key', '--checkpoint', '--entry', '--proof'].includes(flag) || i + 1 >= argv.length) {
      io.err(`unknown or incomplete argument ${flag}\n${USAGE}`);
      return 2;
    }
    args.set(flag, argv[++i]);
  }
  const missing = ['--public-key', '--checkpoint', '--entry', '--proof'].filter((f) => !args.has(f));
  if (missing.length) {
    io.err(`missing ${missing.join(', ')}\n${USAGE}`);
    return 2;
  }
  let publicKey: string;
  let checkpoint: unknown;
  let entry: string;
  let proof: unknown;
  try {
    const pk = args.get('--public-key')!;
    publicKey = pk.startsWith('@') ? io.readFile(pk.slice(1)).trim() : pk;
    checkpoint = JSON.parse(io.readFile(args.get('--checkpoint')!));
    // Canonical JSON never ends with a newline, so one added by an editor or shell is not part of it.
    entry = io.readFile(args.get('--entry')!).replace(/\r?\n$/, '');
    proof = JSON.parse(io.readFile(args.get('--proof')!));
  } catch (e) {
    io.err(`cannot read input: ${(e as Error).message}`);
    return 2;
  }
  const verdict = verifyOffline({ publicKey, checkpoint, entry, proof });
  io.out(JSON.stringify(verdict));
  return verdict.ok ? 0 : 1;
}

if (require.main === module) process.exitCode = runVerifyCli(process.argv.slice(2));
