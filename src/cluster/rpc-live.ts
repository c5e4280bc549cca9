// Open-ended value streams over internode RPC (a peer's live traces or log lines): the serving side opens at once and sends a heartbeat
// whenever quiet, so the caller's idle deadline tells a quiet peer from a lost one; the calling side follows a peer until told to stop,
// opening the stream again after a drop or when the peer returns.
import { RpcError } from "./rpc-error.ts";
import type { RpcClient } from "./rpc-client.ts";

/** Quiet time after which the serving side sends a heartbeat. */
export const LIVE_HEARTBEAT_MS = 5_000;
/** Missed heartbeats after which the caller gives the stream up (and opens it again). */
const MISSED_HEARTBEATS = 3;
/** Values queued for a caller that reads too slowly before `push` refuses more. */
const DEFAULT_BACKLOG = 1_000;
/** First pause before a stream that failed is opened again; it doubles up to RETRY_MAX_MS. */
const RETRY_MS = 500;
const RETRY_MAX_MS = 10_000;

/** One frame of a live sequence on the wire: [0] a heartbeat, [1, value] a value. */
export type LiveFrame = [0] | [1, unknown];

export interface LiveFramesOptions {
  /** The call's signal (aborts when the caller's connection goes): producing stops. */
  signal?: AbortSignal;
  heartbeatMs?: number;
  /** Values waiting unsent before `push` returns false (default 1000). */
  maxBacklog?: number;
}

/** The serving side's queue: one consumer (the RPC server's reply), never rejecting. */
class LiveQueue implements AsyncIterator<LiveFrame> {
  readonly #queue: LiveFrame[] = [];
  readonly #heartbeatMs: number;
  readonly #max: number;
  readonly #signal: AbortSignal | undefined;
  #waiter: ((r: IteratorResult<LiveFrame>) => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopProducer: () => void = () => {};
  #opened = false;
  #done = false;

  constructor(start: (push: (value: unknown) => boolean) => () => void, opts: LiveFramesOptions) {
    this.#heartbeatMs = opts.heartbeatMs ?? LIVE_HEARTBEAT_MS;
    this.#max = opts.maxBacklog ?? DEFAULT_BACKLOG;
    this.#signal = opts.signal;
    if (this.#signal?.aborted) {
      this.#done = true;
      return;
    }
    this.#signal?.addEventListener("abort", this.#stop);
    this.#stopProducer = start((value) => this.#push([1, value]));
  }

  #push(f: LiveFrame): boolean {
    if (this.#done) return false;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      clearTimeout(this.#timer);
      waiter({ value: f, done: false });
      return true;
    }
    if (this.#queue.length >= this.#max) return false;
    this.#queue.push(f);
    return true;
  }

  next(): Promise<IteratorResult<LiveFrame>> {
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    // Something at once, so the caller's call opens now, not with the first value.
    const frame = this.#queue.shift() ?? (this.#opened ? undefined : ([0] as LiveFrame));
    this.#opened = true;
    if (frame) return Promise.resolve({ value: frame, done: false });
    return new Promise((resolve) => {
      this.#waiter = resolve;
      this.#timer = setTimeout(() => this.#push([0]), this.#heartbeatMs);
    });
  }

  async return(): Promise<IteratorResult<LiveFrame>> {
    this.#stop();
    return { value: undefined, done: true };
  }

  readonly #stop = (): void => {
    if (this.#done) return;
    this.#done = true;
    this.#queue.length = 0;
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener("abort", this.#stop);
    try {
      this.#stopProducer();
    } catch {
      // The producer's failure to stop is its own; the stream is over either way.
    }
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.({ value: undefined, done: true });
  };
}

/**
 * A live answer (an RpcReply's `frames`): `start(push)` begins producing and returns how to stop;
 * `push` sends one value, or returns false when `maxBacklog` values wait unsent. Producing stops
 * as soon as the caller goes (its connection closes or the call's signal aborts).
 */
export function liveFrames(start: (push: (value: unknown) => boolean) => () => void, opts: LiveFramesOptions = {}): AsyncIterable<LiveFrame> {
  const queue = new LiveQueue(start, opts);
  return { [Symbol.asyncIterator]: () => queue };
}

export interface FollowOptions {
  /** Following ends when this aborts (the stream open then is cancelled on the peer). */
  signal: AbortSignal;
  /** The peer's heartbeat interval (the caller's idle limit is three of them). */
  heartbeatMs?: number;
  /** First pause before opening a failed stream again (default 500 ms, doubling to 10 s). */
  retryMs?: number;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Resolves once the peer counts as online (health pings say so), or when `signal` aborts. */
function untilOnline(client: RpcClient, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      off();
      signal.removeEventListener("abort", done);
      resolve();
    };
    const off = client.onChange((online) => void (online ? done() : undefined));
    signal.addEventListener("abort", done, { once: true });
    if (client.online || signal.aborted) done();
  });
}

/** One open stream until it ends or fails; true when the peer answered (a frame arrived). */
async function followOnce<T>(client: RpcClient, method: string, args: unknown, onValue: (v: T) => void, opts: FollowOptions): Promise<boolean> {
  const link = new AbortController();
  const cancel = () => link.abort(opts.signal.reason);
  opts.signal.addEventListener("abort", cancel, { once: true });
  // A peer found offline or announcing its shutdown: let go now (it must not wait for us to leave).
  const off = client.onChange((online) => {
    if (!online) link.abort(new RpcError("Unreachable", `Live RPC "${method}" to ${client.url}: the peer went offline`));
  });
  let answered = false;
  try {
    const idle = (opts.heartbeatMs ?? LIVE_HEARTBEAT_MS) * MISSED_HEARTBEATS;
    for await (const f of client.frames<LiveFrame>(method, args, { signal: link.signal, deadlineMs: idle })) {
      answered = true;
      if (!Array.isArray(f) || f[0] !== 1) continue;
      try {
        onValue(f[1] as T);
      } catch {
        // The consumer's failure (its client gone) is its own; it stops us through the signal.
      }
    }
  } catch {
    // A cut, a deadline, a refusal: the caller opens the stream again after a pause.
  } finally {
    off();
    opts.signal.removeEventListener("abort", cancel);
  }
  return answered;
}

/**
 * Follows the live call `method` on the peer until `opts.signal` aborts, handing each value to
 * `onValue`. A peer that is offline is waited for (its health pings tell when it answers again);
 * a stream that fails or ends is opened again after a pause (a peer still starting has not
 * registered the method yet); `args(resumed)` is asked at each opening, `resumed` once a stream
 * of this follow was answered before, so a caller can ask for what it missed in the gap. Never
 * throws; resolves once the signal aborted.
 */
export async function followPeer<T>(
  client: RpcClient,
  method: string,
  args: (resumed: boolean) => unknown,
  onValue: (v: T) => void,
  opts: FollowOptions,
): Promise<void> {
  const first = opts.retryMs ?? RETRY_MS;
  let wait = first;
  let resumed = false;
  while (!opts.signal.aborted) {
    if (!client.online) {
      await untilOnline(client, opts.signal);
      continue;
    }
    if (await followOnce(client, method, args(resumed), onValue, opts)) {
      resumed = true;
      wait = first;
    }
    if (opts.signal.aborted) break;
    await pause(wait, opts.signal);
    wait = Math.min(wait * 2, RETRY_MAX_MS);
  }
}
