import { CommonParams } from '../canonical';
import { UnknownParamPolicy } from '../endpoint';
import { failed, FrontResult, ok, refusal } from './front-failure';

/** The response header naming the parameters the gateway dropped (sorted, joined by ", "). */
export const DROPPED_PARAMS_HEADER = 'x-custos-dropped-params';

export interface PolicyOutcome<R> {
  /** the request to send: `extra` kept (pass) or removed (drop) */
  request: R;
  /** the parameter names dropped, for the `x-custos-dropped-params` header; empty when none */
  dropped: string[];
}

/**
 * Applies an endpoint's unknown-parameter policy to a parsed request whose `extra` holds what the
 * caller sent outside the canonical form: `pass` forwards it, `drop` removes it and names it, and
 * `reject` refuses the call with a 400 naming every such parameter.
 */
export function applyUnknownParamPolicy<R extends CommonParams>(req: R, policy: UnknownParamPolicy): FrontResult<PolicyOutcome<R>> {
  const names = Object.keys(req.extra ?? {}).sort();
  if (names.length === 0) {
    const { extra: _none, ...rest } = req;
    return ok({ request: rest as R, dropped: [] });
  }
  switch (policy) {
    case 'pass':
      return ok({ request: req, dropped: [] });
    case 'drop': {
      const { extra: _dropped, ...rest } = req;
      return ok({ request: rest as R, dropped: names });
    }
    case 'reject':
      return failed(
        refusal(
          'unknown_parameter',
          `Unrecognized request ${names.length === 1 ? 'argument' : 'arguments'} supplied: ${names.join(', ')}. This endpoint refuses parameters it does not know.`,
          names[0],
        ),
      );
    default: {
      const never: never = policy;
      throw new Error(`unknown policy ${String(never)}`);
    }
  }
}

/** The header to add for a policy outcome, or none. */
export function droppedParamsHeaders(dropped: readonly string[]): Record<string, string> {
  return dropped.length ? { [DROPPED_PARAMS_HEADER]: dropped.join(', ') } : {};
}
