// Adapts a push-style producer (`run(push, signal)`) into a lazy ReadableStream: nothing runs
// until the first read, `push` waits while more than `highWaterMark` bytes are queued, a
// cancel aborts the producer, and `finish` runs exactly once however the stream ends.

export interface PushStreamOptions {
  /** Bytes queued ahead of the consumer before `push` waits. */
  highWaterMark?: number;
  /** Called once when the stream ends: with no error, the producer's error, or the cancel reason. */
  finish?: (error?: unknown) => void;
}

type Run = (push: (chunk: Uint8Array) => Promise<void>, signal: AbortSignal) => Promise<void>;

export function pushStream(run: Run, opts: PushStreamOptions = {}): ReadableStream<Uint8Array> {
  const hwm = opts.highWaterMark ?? 4 << 20;
  const abort = new AbortController();
  const queue: Uint8Array[] = [];
  let queued = 0;
  let state: "idle" | "running" | "done" | "failed" = "idle";
  let failure: unknown;
  let dataReady: (() => void) | null = null;
  let spaceReady: (() => void) | null = null;
  let finished = false;
  const finish = (err?: unknown) => {
    if (finished) return;
    finished = true;
    opts.finish?.(err);
  };
  const signalData = () => {
    const w = dataReady;
    dataReady = null;
    w?.();
  };
  const signalSpace = () => {
    const w = spaceReady;
    spaceReady = null;
    w?.();
  };
  const cancelled = () => abort.signal.reason ?? new Error("Stream cancelled");

  const push = async (chunk: Uint8Array) => {
    if (abort.signal.aborted) throw cancelled();
    if (chunk.length === 0) return;
    queue.push(chunk);
    queued += chunk.length;
    signalData();
    while (queued > hwm && !abort.signal.aborted) await new Promise<void>((r) => (spaceReady = r));
    if (abort.signal.aborted) throw cancelled();
  };

  const start = () => {
    state = "running";
    run(push, abort.signal).then(
      () => {
        if (state === "running") state = "done";
        signalData();
      },
      (err) => {
        if (state === "running") {
          state = "failed";
          failure = err;
        }
        signalData();
      },
    );
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (state === "idle") start();
        while (queue.length === 0 && state === "running") await new Promise<void>((r) => (dataReady = r));
        if (queue.length > 0) {
          const chunk = queue.shift()!;
          queued -= chunk.length;
          signalSpace();
          controller.enqueue(chunk);
        } else if (state === "failed") {
          finish(failure);
          controller.error(failure);
        } else {
          finish();
          controller.close();
        }
      },
      cancel(reason) {
        abort.abort(reason ?? new Error("Stream cancelled"));
        queue.length = 0;
        queued = 0;
        signalSpace();
        signalData();
        finish(reason ?? new Error("Stream cancelled"));
      },
    },
    { highWaterMark: 0 },
  );
}
