// The framed body of a call that streams bytes to the peer: the args frame, then the caller's
// chunks as DATA frames (each copied before the next is read, so the producer may reuse its
// buffer), then END, or ERROR when the producer fails. The deadline runs while the peer is
// expected to take our bytes, not while we wait on the producer.
import { dataFrames, endFrame, errorFrame, valueFrame } from "./rpc-frames.ts";
import type { Watchdog } from "./rpc-watchdog.ts";

/** How the request body went (shared with the call that sends it). */
export interface BodyState {
  /** The producer's stream ended and END was sent. */
  ended: boolean;
  /** The producer failed; its error went out as an ERROR frame. */
  sourceError?: unknown;
  /** Cancels the producer (the call ended before the body did). */
  cancel?: (reason: unknown) => Promise<void>;
}

export function requestBody(args: unknown, source: ReadableStream<Uint8Array>, dog: Watchdog, state: BodyState): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let sentArgs = false;
  let closed = false;
  state.cancel = async (reason) => {
    if (closed) return;
    closed = true;
    await reader.cancel(reason).catch(() => {});
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        if (!sentArgs) {
          sentArgs = true;
          return c.enqueue(valueFrame(args));
        }
        dog.disarm();
        let r: Awaited<ReturnType<typeof reader.read>>;
        try {
          r = await reader.read();
        } catch (err) {
          closed = true;
          state.sourceError = err;
          dog.arm();
          c.enqueue(errorFrame(err));
          return c.close();
        }
        dog.arm();
        if (r.done) {
          closed = true;
          state.ended = true;
          c.enqueue(endFrame());
          return c.close();
        }
        for (const f of dataFrames(r.value)) c.enqueue(f);
      },
      async cancel(reason) {
        await state.cancel?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
