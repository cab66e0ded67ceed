import { createHash } from 'node:crypto';

/**
 * Deterministic answers in OpenAI's wire shapes, shared by the OpenAI-family fakes. The words of
 * an answer stand in for tokens, so usage figures are plausible and the same request always gets
 * the same reply (a streamed answer has exactly the text of the unstreamed one).
 */
export type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function words(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (isObj(p) && typeof p['text'] === 'string' ? p['text'] : '')).join(' ');
  return '';
}

export function promptWords(messages: unknown[]): number {
  return Math.max(
    1,
    messages.reduce<number>((n, m) => n + (isObj(m) ? words(textOf(m['content'])).length + 1 : 0), 0),
  );
}

/** A tool call the fake makes when tools are offered and the last turn is not a tool result. */
export interface FakeToolCall {
  id: string;
  name: string;
  arguments: string;
}

function exampleArguments(parameters: unknown): string {
  const props = isObj(parameters) && isObj(parameters['properties']) ? parameters['properties'] : {};
  const args = Object.fromEntries(
    Object.entries(props).map(([k, v]) => {
      const type = isObj(v) ? v['type'] : undefined;
      return [k, type === 'number' || type === 'integer' ? 1 : type === 'boolean' ? true : type === 'string' ? 'Paris' : null];
    }),
  );
  return JSON.stringify(args);
}

export function toolCallFor(body: Json, idOf: (seed: string) => string): FakeToolCall | undefined {
  const tools: unknown[] = Array.isArray(body['tools']) ? body['tools'] : [];
  const messages: unknown[] = Array.isArray(body['messages']) ? body['messages'] : [];
  const last = messages[messages.length - 1];
  if (tools.length === 0 || body['tool_choice'] === 'none' || (isObj(last) && last['role'] === 'tool')) return undefined;
  const choice = body['tool_choice'];
  const wanted = isObj(choice) && isObj(choice['function']) ? choice['function']['name'] : undefined;
  const tool = tools.find((t): t is Json => isObj(t) && isObj(t['function']) && (wanted === undefined || t['function']['name'] === wanted));
  if (!tool || !isObj(tool['function'])) return undefined;
  const name = String(tool['function']['name']);
  return { id: idOf(`${name}:${messages.length}`), name, arguments: exampleArguments(tool['function']['parameters']) };
}

/** The answer text: the last user turn echoed, as JSON when a JSON response format was asked for. */
export function answerText(body: Json): string {
  const messages: unknown[] = Array.isArray(body['messages']) ? body['messages'] : [];
  const lastUser = [...messages].reverse().find((m) => isObj(m) && m['role'] === 'user');
  const said = isObj(lastUser) ? textOf(lastUser['content']).trim() : '';
  const format = isObj(body['response_format']) ? body['response_format']['type'] : undefined;
  const plain = said ? `Fake answer to: ${said}` : 'Fake answer.';
  return format === 'json_object' || format === 'json_schema' ? JSON.stringify({ answer: plain }) : plain;
}

/** Cut to `max_tokens` words; the finish reason says whether it was cut. */
export function limited(text: string, maxTokens: unknown): { text: string; finish: 'stop' | 'length' } {
  const w = words(text);
  if (typeof maxTokens === 'number' && maxTokens > 0 && w.length > maxTokens) return { text: w.slice(0, maxTokens).join('').trimEnd(), finish: 'length' };
  return { text, finish: 'stop' };
}

export function fakeId(prefix: string, seed: string, length = 24): string {
  return `${prefix}${createHash('sha256').update(seed).digest('hex').slice(0, length)}`;
}

/** A unit-length vector derived from the text, `dimensions` long. */
export function fakeVector(text: string, dimensions: number): number[] {
  const out: number[] = [];
  for (let i = 0; out.length < dimensions; i++) {
    const d = createHash('sha256').update(`${i}:${text}`).digest();
    for (let j = 0; j + 1 < d.length && out.length < dimensions; j += 2) out.push(d.readUInt16BE(j) / 32767.5 - 1);
  }
  const norm = Math.sqrt(out.reduce((s, x) => s + x * x, 0)) || 1;
  return out.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}

/** OpenAI's base64 encoding of an embedding: little-endian float32s. */
export function base64Vector(v: number[]): string {
  const buf = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf.toString('base64');
}

export function sseData(payload: Json | string): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}
