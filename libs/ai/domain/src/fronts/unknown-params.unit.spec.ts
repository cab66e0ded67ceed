import { ChatRequest } from '../canonical';
import { applyUnknownParamPolicy, droppedParamsHeaders } from './unknown-params';

const req: ChatRequest = { messages: [{ role: 'user', content: 'hi' }], temperature: 0.2, extra: { strategy: 'efficiency', logit_bias: { '1': 2 } } };

describe('applyUnknownParamPolicy', () => {
  it('drop removes the unknown parameters and names them, sorted, for the response header', () => {
    const r = applyUnknownParamPolicy(req, 'drop');
    expect(r).toEqual({ ok: true, value: { request: { messages: req.messages, temperature: 0.2 }, dropped: ['logit_bias', 'strategy'] } });
    expect(r.ok && droppedParamsHeaders(r.value.dropped)).toEqual({ 'x-custos-dropped-params': 'logit_bias, strategy' });
  });

  it('pass keeps them for the adapter to forward', () => {
    expect(applyUnknownParamPolicy(req, 'pass')).toEqual({ ok: true, value: { request: req, dropped: [] } });
  });

  it('reject refuses the call with a 400 naming every unknown parameter', () => {
    const r = applyUnknownParamPolicy(req, 'reject');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ source: 'gateway', kind: 'unknown_parameter', param: 'logit_bias', message: expect.stringMatching(/logit_bias, strategy/) as string });
  });

  it('lets a request without unknown parameters through under every policy, with no header', () => {
    const clean: ChatRequest = { messages: req.messages, extra: {} };
    for (const p of ['drop', 'pass', 'reject'] as const) expect(applyUnknownParamPolicy(clean, p)).toEqual({ ok: true, value: { request: { messages: req.messages }, dropped: [] } });
    expect(droppedParamsHeaders([])).toEqual({});
  });
});
