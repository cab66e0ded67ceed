/**
 * One spelling per path, decided once at the door. IP rules, routing and the service behind the
 * gateway must all see the same path, or a rule written for one spelling is walked around with
 * another (`%2D` for `-`, `//`, a trailing slash). The gateway therefore rewrites the request
 * target to its canonical form before anything reads it, and refuses the forms that have no single
 * reading (RFC 3986 §6.2.2 normalisation, plus refusals):
 *
 * - percent-escapes of unreserved characters are decoded (`logged%2Dmodels` → `logged-models`),
 *   every other escape is kept with upper-case hex (`%3a` → `%3A`);
 * - runs of slashes collapse and a trailing slash is dropped (Express serves `/x/` as `/x`);
 * - refused: a target that is not an absolute path, `.`/`..` segments (also as `%2E`), an encoded
 *   `/` or `\` (one segment at the gateway, two in a handler's decoded wildcard), a raw `\`, `#`,
 *   a broken escape, escapes that are not UTF-8, spaces, control and non-ASCII characters;
 * - other printable characters RFC 3986 wants encoded (`[`, `|`...) are percent-encoded;
 * - the query string is passed on as sent: rules and routes never read it.
 *
 * Letter case and `/ajax-api/` stay as sent: the services register every MLflow route under both
 * prefixes, and paths carry case-sensitive ids. IP rules see through both (`ruleViews`).
 */
export type CanonicalTarget = { ok: true; path: string; url: string } | { ok: false; detail: string };

const UNRESERVED = /[A-Za-z0-9\-._~]/;
/** RFC 3986 `pchar` minus `%` (handled apart), plus `/`. */
const PATH_CHAR = /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/;
/** Printable ASCII a client may send unencoded though RFC 3986 wants it encoded (`[`, `|`, `{`...). */
const LOOSE_CHAR = /[!-~]/;
const HEX = /^[0-9A-Fa-f]{2}$/;

export function canonicalTarget(rawUrl: string): CanonicalTarget {
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q);
  if (!rawPath.startsWith('/')) return refuse('the request target must be an absolute path');
  let out = '';
  for (let i = 0; i < rawPath.length; i++) {
    const c = rawPath[i];
    if (c === '%') {
      const hex = rawPath.slice(i + 1, i + 3);
      if (!HEX.test(hex)) return refuse("the path has a '%' that is not a percent-escape");
      const ch = String.fromCharCode(parseInt(hex, 16));
      if (ch === '/' || ch === '\\') return refuse('the path has an encoded slash or backslash');
      out += UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
      i += 2;
    } else if (PATH_CHAR.test(c)) {
      out += c;
    } else if (c === '\\' || c === '#') {
      return refuse(c === '#' ? "the path has a '#'" : 'the path has a backslash');
    } else if (LOOSE_CHAR.test(c)) {
      out += `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
    } else {
      return refuse('the path has a space, control or non-ASCII character');
    }
  }
  if (decodePath(out) === undefined) return refuse('the path has percent-escapes that are not UTF-8');
  const segments = out.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) return refuse("the path has '.' or '..' segments");
  const path = `/${segments.join('/')}`;
  return { ok: true, path, url: path + query };
}

/** Every escape decoded as UTF-8; undefined when they are not UTF-8. */
export function decodePath(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/** MLflow's routes are served under `/api/` and `/ajax-api/` alike: one route, two spellings. */
const MLFLOW_TWIN = /^\/(?:ajax-)?api(\/[23]\.0\/mlflow.*)$/;
/**
 * MLflow routes also served at the top level, keyed by their path below `/api`: `/get-artifact` is
 * `/ajax-api/2.0/mlflow/get-artifact`, so a rule written for either spelling covers all three.
 */
const TOP_LEVEL_TWINS = new Map([['/get-artifact', '/2.0/mlflow/get-artifact']]);
const TOP_LEVEL_OF = new Map([...TOP_LEVEL_TWINS].map(([top, below]) => [below, top]));

/**
 * MLflow's `/graphql` reads what these REST routes read (each GraphQL root field is one of them), so
 * it is also seen under their spellings: a rule written for any of them covers `/graphql`, and
 * GraphQL is no way around a rule on the data it would read.
 */
const GRAPHQL_READS = ['experiments/get', 'experiments/search-datasets', 'runs/get', 'runs/search', 'artifacts/list', 'metrics/get-history-bulk-interval', 'model-versions/search'].flatMap((route) => [
  `/api/2.0/mlflow/${route}`,
  `/ajax-api/2.0/mlflow/${route}`,
]);

/**
 * The spellings of a path an IP rule's prefix is compared with: decoded, lower-cased (Express
 * matches routes case-insensitively; a rule is a case-insensitive prefix), and, for MLflow's routes,
 * both the `/api/` and the `/ajax-api/` form (and the top-level one where MLflow has it), so a rule
 * written for any of them covers the route; `/graphql` also as the routes it reads through
 * (`GRAPHQL_READS`).
 * Undefined when the path does not decode; the caller then applies every route rule.
 */
export function ruleViews(path: string): string[] | undefined {
  const decoded = decodePath(path);
  if (decoded === undefined) return undefined;
  const lower = decoded.toLowerCase().replace(/\/{2,}/g, '/');
  if (lower === '/graphql') return [lower, ...GRAPHQL_READS];
  const twin = MLFLOW_TWIN.exec(lower)?.[1] ?? TOP_LEVEL_TWINS.get(lower);
  if (twin === undefined) return [lower];
  const top = TOP_LEVEL_OF.get(twin);
  return top ? [`/api${twin}`, `/ajax-api${twin}`, top] : [`/api${twin}`, `/ajax-api${twin}`];
}

function refuse(detail: string): CanonicalTarget {
  return { ok: false, detail };
}
