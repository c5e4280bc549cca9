// The serving side of internode RPC: a fetch-style handler (mounted by server.ts under
// RPC_PATH_PREFIX) that checks version and token, decodes the framed request (CBOR args, then
// an optional byte stream), runs the registered method and frames its reply or its error.
import { RpcError } from "./rpc-error.ts";
import { dataFrames, dataStream, decodeValue, endFrame, errorFrame, FRAME_VALUE, FrameReader, valueFrame } from "./rpc-frames.ts";
import { verifyToken } from "./rpc-token.ts";

/** Every RPC path starts with this; "/minio/" is never a bucket, so no S3 path collides. */
export const RPC_PATH_PREFIX = "/minio/bunker/rpc/v1/";
/** Request header: the caller's RPC version (a mismatch is refused naming both). */
export const RPC_VERSION_HEADER = "x-bunker-rpc-version";
/** Request header: "1" when a byte stream (DATA frames, then END) follows the args frame. */
export const RPC_BODY_HEADER = "x-bunker-rpc-body";
/** Response header: "value" for a one-frame reply (or a refusal), "stream" for a framed sequence. */
export const RPC_REPLY_HEADER = "x-bunker-rpc-reply";
export const RPC_CONTENT_TYPE = "application/x-bunker-rpc";

export type RpcReply = { value?: unknown } | { stream: ReadableStream<Uint8Array> } | { frames: AsyncIterable<unknown> };
// biome-ignore lint/suspicious/noExplicitAny: each handler names the shape of its own CBOR arguments
export type RpcHandler = (args: any, body: ReadableStream<Uint8Array> | null, ctx: { signal: AbortSignal; node: string }) => Promise<RpcReply>;

export interface RpcServerOptions {
  /** The root secret tokens are signed with. */
  secret: string;
  /** This build's RPC version; callers speaking another one are refused. */
  version: number;
  /** Our own name (host:port), reported by rpc.ping. */
  node?: string;
}

/** A whole reply in one buffer (value or error), with its length so nothing is measured. */
function oneFrame(status: number, bytes: Uint8Array): Response {
  return new Response(bytes, {
    status,
    headers: { "content-type": RPC_CONTENT_TYPE, "content-length": String(bytes.length), [RPC_REPLY_HEADER]: "value" },
  });
}

const refuse = (status: number, err: RpcError) => oneFrame(status, errorFrame(err));

/** A framed reply body, produced only as fast as the connection takes it; cancel reaches the source. */
function framedReply(next: () => Promise<Uint8Array[] | null>, cancel: (reason: unknown) => Promise<unknown>): Response {
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        try {
          const frames = await next();
          if (frames === null) {
            c.enqueue(endFrame());
            return c.close();
          }
          for (const f of frames) c.enqueue(f);
        } catch (err) {
          c.enqueue(errorFrame(err));
          c.close();
        }
      },
      async cancel(reason) {
        await cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
  // Declared chunked: the listener then sends frames as they come instead of measuring the body.
  return new Response(body, {
    status: 200,
    headers: { "content-type": RPC_CONTENT_TYPE, "transfer-encoding": "chunked", [RPC_REPLY_HEADER]: "stream" },
  });
}

/** Values taken in one write at most (one socket write per walk entry would cost more than the entry). */
const BATCH_BYTES = 64 << 10;
const NOT_YET = Symbol("not yet");
const nextTurn = () => new Promise<typeof NOT_YET>((ok) => setImmediate(() => ok(NOT_YET)));

/**
 * Frames for the next values of `it`, in one buffer: waits for the first, then takes those that
 * are ready at once (a walk over cached entries), up to BATCH_BYTES; a value still coming is
 * kept for the next call, so a slow producer's values still go out one by one without delay.
 */
function batchedValues(it: AsyncIterator<unknown>): () => Promise<Uint8Array[] | null> {
  let pending: Promise<IteratorResult<unknown>> | undefined;
  let ended = false;
  return async () => {
    if (ended) return null;
    const out: Uint8Array[] = [];
    let bytes = 0;
    let r: IteratorResult<unknown> | typeof NOT_YET = await (pending ?? it.next());
    pending = undefined;
    for (;;) {
      if (r === NOT_YET) break;
      if (r.done) {
        if (out.length === 0) return null;
        ended = true;
        break;
      }
      const f = valueFrame(r.value);
      out.push(f);
      bytes += f.length;
      if (bytes >= BATCH_BYTES) break;
      const next = it.next();
      next.catch(() => {}); // awaited on the next call when it loses the race
      // A failure after some values: they go out first, the failure with the next call.
      r = await Promise.race([next, nextTurn()]).catch(() => NOT_YET);
      if (r === NOT_YET) pending = next;
    }
    return [out.length === 1 ? out[0] : Buffer.concat(out)];
  };
}

function replyResponse(reply: RpcReply): Response {
  if ("stream" in reply) {
    const reader = reply.stream.getReader();
    return framedReply(
      async () => {
        const r = await reader.read();
        return r.done ? null : dataFrames(r.value);
      },
      (reason) => reader.cancel(reason),
    );
  }
  if ("frames" in reply) {
    const it = reply.frames[Symbol.asyncIterator]();
    const batch = batchedValues(it);
    return framedReply(batch, async () => it.return?.());
  }
  return oneFrame(200, valueFrame(reply.value ?? null));
}

export class RpcServer {
  readonly #handlers = new Map<string, RpcHandler>();
  readonly #opts: RpcServerOptions;
  #leaving = false;
  /** When the last call other than a ping arrived (performance.now()), for quiesce(). */
  #lastCall = 0;

  constructor(opts: RpcServerOptions) {
    this.#opts = opts;
    // A server shutting down still answers (it finishes the calls it has) but says it is leaving.
    this.register("rpc.ping", async () => ({ value: { node: opts.node ?? "", version: opts.version, ...(this.#leaving ? { leaving: true } : {}) } }));
  }

  /** Graceful shutdown has begun: pings say so from now on; every call is still answered. */
  leave(): void {
    this.#leaving = true;
  }

  /**
   * Resolves once no call (pings aside) has arrived for `idleMs`, or after `maxMs`: a peer's
   * write that began before we announced our shutdown makes its last calls (commit) to us
   * seconds later, and must find us still serving.
   */
  async quiesce(idleMs: number, maxMs: number): Promise<void> {
    const end = performance.now() + maxMs;
    while (performance.now() < end && performance.now() - this.#lastCall < idleMs) await Bun.sleep(50);
  }

  register(method: string, handler: RpcHandler): void {
    if (this.#handlers.has(method)) throw new Error(`RPC method "${method}" is registered twice`);
    this.#handlers.set(method, handler);
  }

  async handle(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    if (req.method !== "POST" || !path.startsWith(RPC_PATH_PREFIX)) return refuse(404, new RpcError("NotFound", `No RPC at ${req.method} "${path}"`));
    const method = decodeURIComponent(path.slice(RPC_PATH_PREFIX.length));
    const theirs = req.headers.get(RPC_VERSION_HEADER);
    if (theirs !== String(this.#opts.version)) {
      const msg = `RPC version mismatch: the caller speaks version ${theirs ?? "(none)"}, this node version ${this.#opts.version} (upgrade all nodes together)`;
      return refuse(400, new RpcError("Protocol", msg));
    }
    let node: string;
    try {
      const auth = req.headers.get("authorization") ?? "";
      if (!auth.startsWith("Bearer ")) throw new RpcError("Unauthorized", "Internode call without a token");
      node = verifyToken(this.#opts.secret, auth.slice(7)).node;
    } catch (err) {
      return refuse(401, err instanceof RpcError ? err : new RpcError("Unauthorized", String(err)));
    }
    const handler = this.#handlers.get(method);
    if (method !== "rpc.ping") this.#lastCall = performance.now();
    if (!handler) return refuse(404, new RpcError("NotFound", `Unknown RPC method "${method}"`));
    if (!req.body) return refuse(400, new RpcError("Protocol", `RPC "${method}" without arguments`));
    return this.#run(method, handler, req, node);
  }

  async #run(method: string, handler: RpcHandler, req: Request, node: string): Promise<Response> {
    const reader = new FrameReader(req.body!, { cut: () => new RpcError("Unreachable", `The caller's connection was cut during "${method}"`) });
    try {
      const head = await reader.expect();
      if (head.type !== FRAME_VALUE) throw new RpcError("Protocol", `RPC "${method}": the first frame must hold the arguments`);
      const args = decodeValue(head);
      const streamed = req.headers.get(RPC_BODY_HEADER) === "1";
      if (!streamed) await reader.expectEof();
      // The stream reads the request to its very end, so the listener sees it complete and keeps the connection.
      const body = streamed ? dataStream(reader) : null;
      const reply = await handler(args, body, { signal: req.signal, node });
      return replyResponse(reply ?? {});
    } catch (err) {
      return oneFrame(200, errorFrame(err));
    }
  }
}
