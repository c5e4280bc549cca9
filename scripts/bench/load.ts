// Closed-loop load runner for the S3 benchmark: N workers repeat an operation until a time or
// operation budget is spent; reports ops/s, MiB/s, p50/p99 latency and errors.

export interface LoadResult {
  ops_s: number;
  mib_s: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  ops: number;
}

export interface LoadSpec {
  concurrency: number;
  /** Stop starting new operations after this long. */
  durationMs: number;
  /** ...or after this many operations, whichever comes first. */
  maxOps: number;
  /** One operation; returns the payload bytes moved, throws on failure. */
  op: (seq: number) => Promise<number>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  let bytes = 0;
  let errors = 0;
  let next = 0;
  const start = performance.now();
  const deadline = start + spec.durationMs;
  const worker = async () => {
    while (performance.now() < deadline && next < spec.maxOps) {
      const seq = next++;
      const t = performance.now();
      try {
        // Not `bytes += await …`: that reads `bytes` before the await and loses other workers' adds.
        const moved = await spec.op(seq);
        bytes += moved;
        latencies.push(performance.now() - t);
      } catch (err) {
        errors++;
        if (errors <= 3) console.error(`op ${seq} failed:`, err instanceof Error ? err.message : err);
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  const secs = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    ops_s: round(latencies.length / secs),
    mib_s: round(bytes / 1048576 / secs),
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    errors,
    ops: latencies.length,
  };
}

/** Reads a response body fully, comparing it chunk by chunk with `expected` (cheap: memcmp). */
export async function drainAndVerify(res: Response, expected: Uint8Array): Promise<number> {
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
  let off = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (off + chunk.length > expected.length || Buffer.compare(chunk, expected.subarray(off, off + chunk.length)) !== 0) {
      throw new Error(`body differs at offset ${off}`);
    }
    off += chunk.length;
  }
  if (off !== expected.length) throw new Error(`body has ${off} bytes, expected ${expected.length}`);
  return off;
}
