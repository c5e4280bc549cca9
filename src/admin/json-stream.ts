// A long-lived admin answer of JSON values, one per line, as madmin's trace and log readers
// decode them: the first byte goes out at once (the listener sends the headers with it), a space
// every few seconds keeps idle connections open, and the producer stops when the client leaves.

/** Sent between values; JSON decoders skip whitespace. */
const KEEPALIVE_MS = 5_000;

/**
 * `start(write)` begins producing (and returns how to stop); `write(value)` sends one value and
 * returns false when the client reads too slowly and `maxBacklog` values wait unsent.
 */
export function jsonLineStream(signal: AbortSignal, start: (write: (value: unknown) => boolean) => () => void, opts: { maxBacklog?: number } = {}): Response {
  const encoder = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (value: unknown) => {
        if (opts.maxBacklog !== undefined && (controller.desiredSize ?? 0) < -opts.maxBacklog) return false;
        controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
        return true;
      };
      controller.enqueue(encoder.encode(" "));
      const stopProducer = start(write);
      const keepalive = setInterval(() => controller.enqueue(encoder.encode(" ")), KEEPALIVE_MS);
      stop = () => {
        stopProducer();
        clearInterval(keepalive);
      };
      signal.addEventListener("abort", () => {
        stop();
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
    },
    cancel() {
      stop();
    },
  });
  // Chunked: the listener sends each value as it comes instead of measuring the body first.
  return new Response(body, { headers: { "content-type": "application/json", "transfer-encoding": "chunked" } });
}
