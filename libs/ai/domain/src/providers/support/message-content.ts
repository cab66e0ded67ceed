import { ChatMessage, ContentPart } from '../../canonical';
import { UpstreamError } from '../../upstream-error';

/** The text of a message's content, parts joined (images have no text). */
export function textOf(content: ChatMessage['content']): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .filter((p): p is Extract<ContentPart, { type: 'text' }> => p.type === 'text')
    .map((p) => p.text)
    .join('');
}

export function partsOf(content: ChatMessage['content']): ContentPart[] {
  if (content === null) return [];
  return typeof content === 'string' ? (content === '' ? [] : [{ type: 'text', text: content }]) : content;
}

/** A `data:` URL split into its media type and base64 payload; undefined for other URLs. */
export function dataUrl(url: string): { mediaType: string; base64: string } | undefined {
  const m = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  return m ? { mediaType: m[1], base64: m[2] } : undefined;
}

/** Guess an image's media type from its URL, for providers that want one with a link. */
export function mediaTypeOfUrl(url: string): string {
  const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  return ext === 'png' ? 'image/png' : ext === 'gif' ? 'image/gif' : ext === 'webp' ? 'image/webp' : 'image/jpeg';
}

/** System and developer turns become a provider's separate system prompt. */
export function isSystem(m: ChatMessage): boolean {
  return m.role === 'system' || m.role === 'developer';
}

/** Turns translated to provider messages; consecutive turns of one role merged, as strictly alternating providers need. */
export function mergeSameRole<T extends { role: string; blocks: unknown[] }>(turns: T[]): T[] {
  const out: T[] = [];
  for (const t of turns) {
    const last = out[out.length - 1];
    if (last && last.role === t.role) last.blocks.push(...t.blocks);
    else out.push({ ...t, blocks: [...t.blocks] });
  }
  return out;
}

/** The tool names of earlier assistant tool calls, by call id (providers that answer by name need them). */
export function toolNamesById(messages: ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of messages) for (const c of m.tool_calls ?? []) names.set(c.id, c.function.name);
  return names;
}

export function unsupported(provider: string, what: string): UpstreamError {
  return new UpstreamError('bad_request', `${what} is not supported by provider ${provider}`);
}
