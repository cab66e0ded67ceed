/** A reply as the call pipeline would hand it to an adapter, plus the raw bytes for stream decoders. */
export interface LoopbackReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  bytes: Uint8Array;
}

/** Send an adapter's upstream request to a fake over loopback (tests only; the gateway uses undici). */
export async function sendOverLoopback(req: { method: string; url: string; headers: Record<string, string>; body?: string }): Promise<LoopbackReply> {
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  return { status: res.status, headers, body: new TextDecoder().decode(bytes), bytes };
}
