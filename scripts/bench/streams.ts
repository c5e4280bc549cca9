// Bodies for the object benchmarks: a buffer handed out in 1 MiB chunks, and a stream drained
// to its length.
const MIB = 1024 * 1024;

export function bodyOf(data: Uint8Array): ReadableStream<Uint8Array> {
  let off = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (off >= data.length) return c.close();
      const end = Math.min(data.length, off + MIB);
      c.enqueue(data.subarray(off, end));
      off = end;
    },
  });
}

export async function drain(s: ReadableStream<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const chunk of s) n += chunk.length;
  return n;
}
