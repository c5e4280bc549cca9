// Deadlines: a promise raced against a timer (drive calls, drive probes, admin's drive info),
// and the same deadline for each step of a stream (drive walks), so one hung call costs one
// timeout, never a hang.

/**
 * `p`, unless `ms` pass first: then the promise rejects with what `onTimeout` returns (the
 * callback may also record the miss, e.g. take the drive out of service). 0, negative or
 * non-finite `ms` means no deadline. A failure of `p` after the deadline is swallowed.
 */
export function withDeadline<T>(p: Promise<T>, ms: number, onTimeout: () => unknown): Promise<T> {
  if (!Number.isFinite(ms) || ms <= 0) return p;
  let timer: ReturnType<typeof setTimeout>;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  p.catch(() => {}); // a late failure after the deadline must not become an unhandled rejection
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Each step of `stream` goes through `guard` (typically withDeadline on the step's promise): a
 * step that fails fails the stream instead of stalling whoever merges it.
 */
export async function* withStepDeadline<T>(
  stream: AsyncIterable<T>,
  guard: (next: Promise<IteratorResult<T>>) => Promise<IteratorResult<T>>,
): AsyncGenerator<T> {
  const it = stream[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const r = await guard(it.next());
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    // A timed-out next() may still be pending: return() would queue behind it, so do not wait.
    if (!finished) void Promise.resolve(it.return?.()).catch(() => {});
  }
}
