// ArenaBank: the shared memory encode jobs run in. The caller writes a job's input into an
// arena and the worker encodes it there, so only a tiny message crosses threads (Bun copies
// transferred buffers: ~50 µs per MiB each way). Arenas are recycled by kind and size. The
// job message and its reply order the arena's writes between threads (postMessage is a lock).
import { CodecError } from "./codec-error.ts";

/** Arena sizes are whole 64 KiB pages, so a few sizes serve every block of a layout. */
const PAGE = 65536;

/**
 * "kernel" arenas are WebAssembly memories: workers run a kernel instance inside them and
 * encode in place (large jobs). "plain" arenas are SharedArrayBuffers: the worker copies the
 * input into its own kernel and the output back (small jobs, where an instance costs more).
 */
export type ArenaKind = "plain" | "kernel";

/**
 * Where an arena is: in the bank, handed out for the caller to fill, read by a running job,
 * or holding a job's output that the caller reads until release().
 */
export type ArenaState = "free" | "input" | "busy" | "output";

export interface Arena {
  /** Never reused: workers cache arenas by id (posting shared memory costs 30–200 µs). */
  readonly id: number;
  readonly kind: ArenaKind;
  /** The arena's bytes (a kernel arena's memory.buffer). */
  readonly buffer: SharedArrayBuffer;
  readonly memory?: WebAssembly.Memory;
  state: ArenaState;
}

export class ArenaBank {
  readonly #maxFreeBytes: number;
  /** Free arenas by kind and size (the most recently released last: likely still cached). */
  readonly #free = new Map<string, Arena[]>();
  /** Every free arena, least recently released first, for eviction. */
  readonly #order = new Set<Arena>();
  readonly #byBuffer = new WeakMap<SharedArrayBuffer, Arena>();
  /** Tells the workers to drop arenas nobody on this thread can reach any more. */
  readonly #gone: FinalizationRegistry<number>;
  #freeBytes = 0;
  #nextId = 1;

  constructor(maxFreeBytes: number, onGone: (id: number) => void) {
    this.#maxFreeBytes = maxFreeBytes;
    this.#gone = new FinalizationRegistry(onGone);
  }

  /** An arena of at least `bytes` (recycled when one of that kind and size is free), marked `state`. */
  take(kind: ArenaKind, bytes: number, state: Exclude<ArenaState, "free">): Arena {
    if (!(bytes >= 0 && bytes <= 2 ** 32 - PAGE)) throw new CodecError("InvalidLayout", `Cannot hold ${bytes} bytes in one erasure job`);
    const pages = Math.max(1, Math.ceil(bytes / PAGE));
    let arena = this.#free.get(`${kind}${pages}`)?.pop();
    if (arena) {
      this.#order.delete(arena);
      this.#freeBytes -= arena.buffer.byteLength;
    } else {
      const memory = kind === "kernel" ? new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }) : undefined;
      const buffer = (memory?.buffer ?? new SharedArrayBuffer(pages * PAGE)) as SharedArrayBuffer;
      arena = { id: this.#nextId++, kind, buffer, memory, state };
      this.#byBuffer.set(buffer, arena);
      this.#gone.register(buffer, arena.id);
    }
    arena.state = state;
    return arena;
  }

  /** The arena `view` lies in, if it is one of ours. */
  of(view: Uint8Array): Arena | undefined {
    return view.buffer instanceof SharedArrayBuffer ? this.#byBuffer.get(view.buffer) : undefined;
  }

  /**
   * Takes an arena back for reuse (a second give is ignored). The least recently released
   * arenas are let go beyond the byte budget; the garbage collector then frees them.
   */
  give(arena: Arena): void {
    if (arena.state === "free") return;
    arena.state = "free";
    const key = `${arena.kind}${arena.buffer.byteLength / PAGE}`;
    let list = this.#free.get(key);
    if (!list) this.#free.set(key, (list = []));
    list.push(arena);
    this.#order.add(arena);
    this.#freeBytes += arena.buffer.byteLength;
    while (this.#freeBytes > this.#maxFreeBytes) this.#evict(this.#order.values().next().value!);
  }

  #evict(arena: Arena): void {
    const key = `${arena.kind}${arena.buffer.byteLength / PAGE}`;
    const list = this.#free.get(key)!;
    list.splice(list.indexOf(arena), 1);
    if (list.length === 0) this.#free.delete(key);
    this.#order.delete(arena);
    this.#freeBytes -= arena.buffer.byteLength;
  }
}
