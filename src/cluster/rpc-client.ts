// The calling side of internode RPC: one client per peer, over Bun's fetch (its keep-alive pool
// gives persistent connections; request bodies stream with backpressure: docs in the report).
// Each call gets a token, a deadline and framed bodies; link failures feed the peer's health.
import { RpcError, isTransportError } from "./rpc-error.ts";
import { type Frame, FRAME_END, FRAME_ERROR, FRAME_VALUE, FrameReader, dataStream, decodeValue, frameError, valueFrame } from "./rpc-frames.ts";
import { PeerHealth, type HealthOptions } from "./rpc-health.ts";
import { requestBody, type BodyState } from "./rpc-request-body.ts";
import { RPC_BODY_HEADER, RPC_CONTENT_TYPE, RPC_REPLY_HEADER, RPC_PATH_PREFIX, RPC_VERSION_HEADER } from "./rpc-server.ts";
import { signToken } from "./rpc-token.ts";
import { Watchdog } from "./rpc-watchdog.ts";

export interface RpcClientOptions {
  /** The peer's base URL, e.g. "http://127.0.0.1:9002". */
  url: string;
  /** The root secret tokens are signed with. */
  secret: string;
  /** Our own node name (host:port), carried in the token. */
  node: string;
  /** Our RPC version; the peer refuses another one. */
  version: number;
  /** Default deadline of a call (and idle limit of a streamed reply). */
  deadlineMs?: number;
}

export interface RpcCallOptions {
  /** A byte stream sent after the arguments (read one chunk at a time, each copied before the next). */
  body?: ReadableStream<Uint8Array>;
  deadlineMs?: number;
  signal?: AbortSignal;
}

/** Tokens live 5 minutes and are replaced after one, so a clock skew of minutes is tolerated. */
const TOKEN_TTL_MS = 5 * 60_000;
const TOKEN_RENEW_MS = 60_000;

/** One call in flight: its first reply frame and the reader of the rest. */
interface Exchange {
  first: Frame;
  reader: FrameReader;
  /** The reply is a stream or a value sequence (an ERROR in it arrived mid-stream, not instead of it). */
  streamed: boolean;
  /** The caller's body stream failed (the call's own error then is only a consequence). */
  sourceError(): unknown;
  /** Ends the call: stops the deadline, cancels what is still open, reports a link failure. */
  finish(err?: unknown): void;
}

export class RpcClient {
  readonly #opts: RpcClientOptions;
  readonly #base: string;
  readonly #health: PeerHealth;
  readonly #inFlight = new Set<AbortController>();
  readonly #listeners = new Set<(online: boolean) => void>();
  #token = "";
  #tokenAt = 0;
  #closed = false;
  /** The peer said it is shutting down (it still answers): placement counts it out, calls still go. */
  #leaving = false;
  #lastOnline = true;

  constructor(opts: RpcClientOptions) {
    this.#opts = opts;
    this.#base = opts.url.replace(/\/+$/, "");
    this.#health = new PeerHealth(async (timeoutMs) => {
      const pong = (await this.#call("rpc.ping", {}, { deadlineMs: timeoutMs }, true)) as { leaving?: boolean } | null;
      this.#setLeaving(pong?.leaving === true);
    });
    // Calls in flight to a peer found offline fail now rather than at their deadlines.
    this.#health.onChange((online) => {
      if (!online) {
        const err = new RpcError("Unreachable", `RPC to ${this.#base}: the peer was marked offline during the call`);
        for (const ctl of this.#inFlight) ctl.abort(err);
      }
      this.#emit();
    });
  }

  #setLeaving(leaving: boolean): void {
    if (this.#leaving === leaving) return;
    this.#leaving = leaving;
    this.#emit();
  }

  /** Tells listeners when `online` (health and not leaving) changes. */
  #emit(): void {
    const now = this.online;
    if (now === this.#lastOnline) return;
    this.#lastOnline = now;
    for (const cb of this.#listeners) {
      try {
        cb(now);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  get url(): string {
    return this.#base;
  }

  /** Reachable and not shutting down: new work (placement, parity) may count on the peer. */
  get online(): boolean {
    return this.#health.online && !this.#leaving;
  }

  onChange(cb: (online: boolean) => void): () => void {
    this.#listeners.add(cb);
    return () => this.#listeners.delete(cb);
  }

  /**
   * The peer announced its graceful shutdown: it counts as offline for new work at once, but
   * calls still go to it (it finishes what it was given) until it stops answering; a new process
   * answering pings without "leaving" brings it back.
   */
  markLeaving(): void {
    this.#setLeaving(true);
  }

  startHealth(opts?: HealthOptions): void {
    this.#health.start(opts);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#health.close();
    for (const ctl of this.#inFlight) ctl.abort(new RpcError("Unreachable", `RPC client for ${this.#base} closed`));
  }

  call<T = unknown>(method: string, args: unknown, opts: RpcCallOptions = {}): Promise<T> {
    return this.#call(method, args, opts, false) as Promise<T>;
  }

  /** A streamed reply (DATA frames): the call fails for an error before the first byte. */
  async stream(method: string, args: unknown, opts: RpcCallOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const ex = await this.#open(method, args, opts, false);
    if (ex.first.type === FRAME_ERROR && !ex.streamed) {
      const err = frameError(ex.first);
      ex.finish(err);
      throw err;
    }
    // The frame already read goes first (an error there errors the stream, as a local one would).
    ex.reader.putBack(ex.first);
    return dataStream(ex.reader, (err) => ex.finish(err));
  }

  /** A reply of CBOR values, produced lazily by the peer and read as the iteration asks. */
  async *frames<T>(method: string, args: unknown, opts: RpcCallOptions = {}): AsyncGenerator<T> {
    const ex = await this.#open(method, args, opts, false);
    let f: Frame = ex.first;
    let failure: unknown = new Error("The caller stopped reading early");
    try {
      for (;;) {
        if (f.type === FRAME_END) {
          await ex.reader.expectEof();
          failure = undefined;
          return;
        }
        if (f.type === FRAME_ERROR) throw frameError(f);
        if (f.type !== FRAME_VALUE) throw new RpcError("Protocol", `Unexpected frame type ${f.type} in a value sequence`);
        yield decodeValue(f) as T;
        f = await ex.reader.expect();
      }
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      ex.finish(failure);
    }
  }

  async #call(method: string, args: unknown, opts: RpcCallOptions, probe: boolean): Promise<unknown> {
    const ex = await this.#open(method, args, opts, probe);
    try {
      if (ex.first.type === FRAME_ERROR) throw frameError(ex.first);
      if (ex.first.type !== FRAME_VALUE) throw new RpcError("Protocol", `RPC "${method}": expected a value, got frame type ${ex.first.type}`);
      const value = decodeValue(ex.first);
      await ex.reader.expectEof();
      ex.finish();
      return value;
    } catch (err) {
      ex.finish(err);
      throw ex.sourceError() ?? err;
    }
  }

  #authorization(): string {
    const now = Date.now();
    if (!this.#token || now - this.#tokenAt > TOKEN_RENEW_MS) {
      this.#token = signToken(this.#opts.secret, this.#opts.node, TOKEN_TTL_MS, now);
      this.#tokenAt = now;
    }
    return `Bearer ${this.#token}`;
  }

  /** Sends the request and reads the first reply frame, all within the call's deadline. */
  async #open(method: string, args: unknown, opts: RpcCallOptions, probe: boolean): Promise<Exchange> {
    const where = `RPC "${method}" to ${this.#base}`;
    if (this.#closed) throw new RpcError("Unreachable", `${where}: the client is closed`);
    if (!probe && !this.#health.online) {
      const why = (this.#health.lastError as Error | undefined)?.message;
      throw new RpcError("Unreachable", `${where}: the peer is offline${why ? ` (${why})` : ""}`);
    }
    opts.signal?.throwIfAborted();
    const ms = opts.deadlineMs ?? this.#opts.deadlineMs ?? 30_000;
    const ctl = new AbortController();
    const dog = new Watchdog(
      ms,
      () => new RpcError("Timeout", `${where}: no answer within ${ms} ms`),
      (err) => ctl.abort(err),
    );
    const onAbort = () => ctl.abort(opts.signal?.reason);
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    // Pings are not aborted with the calls (they decide when the peer is back).
    if (!probe) this.#inFlight.add(ctl);
    const state: BodyState = { ended: false };
    let done = false;
    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      dog.stop();
      opts.signal?.removeEventListener("abort", onAbort);
      this.#inFlight.delete(ctl);
      // A call answered before its body ended: the producer hears it (as from a closed connection).
      if (!state.ended) void state.cancel?.(err ?? new RpcError("Protocol", `${where}: answered before the request body ended`));
      if (err !== undefined) {
        ctl.abort(err);
        if (isTransportError(err) && !probe && !opts.signal?.aborted) this.#health.suspect(err);
      }
    };
    dog.arm();
    try {
      const res = await dog.race(this.#fetch(method, args, opts, ctl, dog, state, where));
      if (!res.body || !res.headers.get("content-type")?.startsWith(RPC_CONTENT_TYPE)) {
        throw new RpcError("Protocol", `${where}: the peer answered HTTP ${res.status} without an RPC body (no RPC service at that address?)`);
      }
      // Up to the first frame the whole-call deadline runs; after it each read has the idle limit.
      const reader = new FrameReader(res.body, {
        guard: (p) => dog.race(p),
        cut: () => new RpcError("Unreachable", `${where}: the connection was cut mid-reply`),
      });
      const first = await reader.expect();
      reader.guard = (p) => dog.idle(p);
      dog.disarm();
      return { first, reader, streamed: res.headers.get(RPC_REPLY_HEADER) !== "value", finish, sourceError: () => state.sourceError };
    } catch (err) {
      const e = opts.signal?.aborted ? opts.signal.reason : (state.sourceError ?? err);
      finish(e);
      throw e;
    }
  }

  async #fetch(method: string, args: unknown, opts: RpcCallOptions, ctl: AbortController, dog: Watchdog, state: BodyState, where: string): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: this.#authorization(),
      [RPC_VERSION_HEADER]: String(this.#opts.version),
      "content-type": RPC_CONTENT_TYPE,
    };
    if (opts.body) headers[RPC_BODY_HEADER] = "1";
    const body = opts.body ? requestBody(args, opts.body, dog, state) : valueFrame(args);
    try {
      return await fetch(`${this.#base}${RPC_PATH_PREFIX}${encodeURIComponent(method)}`, {
        method: "POST",
        headers,
        body,
        signal: ctl.signal,
        duplex: "half",
      } as RequestInit);
    } catch (err) {
      if (ctl.signal.aborted && ctl.signal.reason instanceof RpcError) throw ctl.signal.reason;
      throw new RpcError("Unreachable", `${where}: ${(err as Error)?.message ?? err}`, { cause: err });
    }
  }
}
