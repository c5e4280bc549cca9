// Buffers whose only owner is the stream carrying them can be freed as soon as they have been
// written out, instead of waiting for a GC that, under streaming load, lets hundreds of MiB of
// dead 1 MiB blocks pile up. The producer marks them; the final consumer releases them.

const DISPOSABLE = Symbol.for("bunker.disposable-buffer");

/**
 * Marks `view`'s ArrayBuffer as owned by whoever consumes `view` next: nothing else may keep
 * a reference to that buffer. Returns `view`.
 */
export function markDisposable(view: Uint8Array): Uint8Array {
  const buf = view.buffer as ArrayBuffer & { [DISPOSABLE]?: true };
  if (buf instanceof ArrayBuffer) buf[DISPOSABLE] = true;
  return view;
}

/** Frees `view`'s buffer now if its producer marked it disposable (detaching it). */
export function releaseIfDisposable(view: Uint8Array): void {
  const buf = view.buffer as ArrayBuffer & { [DISPOSABLE]?: true };
  if (buf instanceof ArrayBuffer && buf[DISPOSABLE] && !buf.detached) buf.transfer(0);
}
