// A transform over a byte stream that reads its source only when its own consumer reads: no
// pipe runs ahead, so a request body (and with it an Expect: 100-continue) is not touched
// before the handler that will store it actually asks for bytes.

export interface PullTransform {
  /** Called per source chunk; may emit any number of chunks. Throwing fails the stream. */
  transform(chunk: Uint8Array, emit: (out: Uint8Array) => void): void;
  /** Called once at the source's end; may emit a last chunk or throw to fail the stream. */
  flush?(emit: (out: Uint8Array) => void): void;
}

const readerOf = (s: ReadableStream<Uint8Array>) => s.getReader();

export function pullThrough(source: ReadableStream<Uint8Array>, t: PullTransform): ReadableStream<Uint8Array> {
  let reader: ReturnType<typeof readerOf> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        const r = (reader ??= readerOf(source));
        let emitted = 0;
        const emit = (out: Uint8Array) => {
          emitted++;
          c.enqueue(out);
        };
        try {
          // A chunk that emits nothing (a decoder buffering a frame header) must not end the pull empty-handed.
          while (emitted === 0) {
            const { done, value } = await r.read();
            if (done) {
              t.flush?.(emit);
              return c.close();
            }
            t.transform(value, emit);
          }
        } catch (err) {
          // A failed check stops the source too (what a broken pipe would do), then fails the stream.
          void r.cancel(err).catch(() => {});
          throw err;
        }
      },
      cancel(reason) {
        return reader ? reader.cancel(reason) : source.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
