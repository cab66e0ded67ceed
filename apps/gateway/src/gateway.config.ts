import { z } from 'zod/v4';
import { baseServiceEnv, envSchemas, InternalTokenSecret } from '@custos/platform';
import { parseCidrList } from './domain/cidr';
import { benchModeField, refuseBenchModeUnlessLoopback } from './bench-mode/bench-mode.config';

const url = z.url();
const ms = (min: number, max: number, def: number) => z.coerce.number().int().min(min).max(max).default(def);
const count = (min: number, max: number, def: number) => z.coerce.number().int().min(min).max(max).default(def);
const cidrList = z
  .string()
  .default('')
  .superRefine((v, ctx) => {
    try {
      parseCidrList(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  });
/** `{"secret-name": "value"}`: secrets that identity-provider settings refer to by name (an LDAP bind password). */
const namedSecrets = z
  .string()
  .default('{}')
  .transform((v, ctx) => {
    try {
      const parsed = z.record(z.string(), z.string()).safeParse(JSON.parse(v));
      if (parsed.success) return parsed.data;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object of secret name to string value' });
    return z.NEVER;
  });

export const gatewayEnv = baseServiceEnv
  .omit({ INTERNAL_TOKEN_KEY: true })
  .extend({
    HTTP_PORT: baseServiceEnv.shape.HTTP_PORT.default(8080),
    /** The root every service's internal-token key is derived from (decision 039); only the gateway holds it. */
    INTERNAL_TOKEN_SECRET: envSchemas.base64Key,
    /** The first credential, until users and keys exist in authz. Compared by hash, never logged. */
    BOOTSTRAP_ADMIN_API_KEY: z.string().min(24, 'must be at least 24 characters'),
    TRACKING_URL: url,
    REGISTRY_URL: url,
    AUTHZ_URL: url,
    AUDIT_URL: url,
    /** CIDRs of reverse proxies whose X-Forwarded-For is believed. Empty: the socket peer is the client. */
    TRUSTED_PROXIES: cidrList,
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).default(300_000),
    /** How often each replica also polls the identity and IP-rule versions (fallback to the NOTIFY wake-up; the freshness heartbeat). */
    IDENTITY_POLL_MS: ms(20, 5_000, 200),
    /** Verified credentials are reused this long at most (and never past a key's or token's expiry). */
    AUTH_CACHE_TTL_MS: ms(0, 600_000, 60_000),
    AUTH_CACHE_MAX_ENTRIES: count(0, 1_000_000, 10_000),
    /** Cached verifications are not trusted when the version poll has not succeeded for this long. */
    AUTH_CACHE_MAX_STALENESS_MS: ms(100, 60_000, 2_000),
    /** Failed-authentication budgets (token buckets), per client address and per claimed account. */
    AUTH_FAILURES_PER_ADDRESS_BURST: count(1, 100_000, 50),
    AUTH_FAILURES_PER_ADDRESS_PER_MINUTE: count(1, 100_000, 30),
    AUTH_FAILURES_PER_ACCOUNT_BURST: count(1, 100_000, 10),
    AUTH_FAILURES_PER_ACCOUNT_PER_MINUTE: count(1, 100_000, 5),
    /** Client networks without a per-address failure budget (e.g. an internal health prober). */
    AUTH_FAILURE_LIMIT_EXEMPT: cidrList,
    /** OIDC key sets: refetched after this age, and at most this often when a token names an unknown key. */
    OIDC_JWKS_MAX_AGE_MS: ms(1_000, 86_400_000, 600_000),
    OIDC_JWKS_REFRESH_COOLDOWN_MS: ms(0, 3_600_000, 30_000),
    OIDC_JWKS_TIMEOUT_MS: ms(100, 60_000, 5_000),
    LDAP_TIMEOUT_MS: ms(100, 60_000, 5_000),
    IDP_SECRETS: namedSecrets,
    /** `kid:base64(32 bytes),...`: master keys that wrap each AI provider credential's data key. Secret. */
    AI_CREDENTIAL_MASTER_KEYS: z.string().min(1),
    /** The master key that wraps new and rotated credentials (`rotate-ai-secret-keys` re-wraps the rest). */
    AI_CREDENTIAL_ACTIVE_KEY_ID: z.string().min(1),
    /** MLflow's web UI build served at `/` (scripts/mlflow-ui.sh fetches it); empty: no UI, the API only. */
    MLFLOW_UI_DIR: z.string().default(''),
    /**
     * AI gateway (decision 043). Upstream addresses that are not public (loopback, private, link-local,
     * metadata...) are refused unless named here, e.g. `127.0.0.1/32` for a local Ollama. Empty: none.
     */
    AI_UPSTREAM_ALLOW_CIDRS: cidrList,
    /** Largest AI request body accepted (bytes); larger is a 413 in the caller's dialect. */
    AI_MAX_REQUEST_BYTES: count(1_024, 64 * 1024 * 1024, 4 * 1024 * 1024),
    /** Largest non-streamed provider reply read (bytes). */
    AI_MAX_REPLY_BYTES: count(1_024, 256 * 1024 * 1024, 32 * 1024 * 1024),
    /** Retries on one target (429, 5xx, connect errors, before the first byte) before falling back. */
    AI_RETRIES_PER_TARGET: count(0, 10, 1),
    AI_RETRY_BASE_MS: ms(0, 60_000, 100),
    AI_RETRY_MAX_MS: ms(0, 600_000, 2_000),
    /** Usage records are committed in groups: every this many ms, or at once when this many wait. */
    AI_USAGE_FLUSH_MS: ms(1, 10_000, 5),
    AI_USAGE_MAX_BATCH: count(1, 10_000, 200),
    /**
     * BENCH ONLY (decision 013, bench/auth-latency.mjs): `i-understand-this-disables-auth` turns
     * authentication off; refused unless HTTP_HOST is a loopback address. Never set in a deployment.
     */
    GATEWAY_BENCH_UNAUTHENTICATED: benchModeField,
  })
  .superRefine(refuseBenchModeUnlessLoopback)
  // The gateway serves its own admin routes behind the same tokens, under the key it derives for itself.
  .transform((c) => ({ ...c, INTERNAL_TOKEN_KEY: InternalTokenSecret.fromBase64(c.INTERNAL_TOKEN_SECRET).exportKeyFor('gateway') }));
export type GatewayConfig = z.infer<typeof gatewayEnv>;
