// The compiled erasure kernel, and a variant of it that runs in a shared memory it is given
// (encode arenas, see arena-bank.ts): the same bytes with the module's own memory section
// replaced by an import of a shared memory, so one .wat stays the only source.
import { readFileSync } from "node:fs";
import kernelPath from "./kernel/ec-kernel.wasm" with { type: "file" };
import { CodecError } from "./codec-error.ts";

// Compiled modules are immutable and cost ~1 ms to compile: compile once, on first use.
let own: WebAssembly.Module | undefined;
let shared: WebAssembly.Module | undefined;

export function kernelModule(): WebAssembly.Module {
  return (own ??= new WebAssembly.Module(readFileSync(kernelPath)));
}

/** The kernel importing `env.memory`: a shared memory of at most 4 GiB. */
export function sharedKernelModule(): WebAssembly.Module {
  return (shared ??= new WebAssembly.Module(importSharedMemory(readFileSync(kernelPath))));
}

const IMPORT_SECTION = 2;
const MEMORY_SECTION = 5;

function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    const byte = n & 0x7f;
    n = Math.floor(n / 128);
    out.push(n > 0 ? byte | 0x80 : byte);
  } while (n > 0);
  return out;
}

/**
 * Rewrites a module that defines one memory and imports nothing: the memory becomes the
 * import ("env", "memory") of a shared memory (1 to 65536 pages). Memory index 0, and so
 * every load, store and the "memory" export, then refer to the imported one.
 */
export function importSharedMemory(wasm: Uint8Array): Uint8Array {
  const name = (s: string) => [s.length, ...new TextEncoder().encode(s)];
  const entry = [1, ...name("env"), ...name("memory"), 0x02, 0x03, ...leb128(1), ...leb128(65536)];
  const importSection = [IMPORT_SECTION, ...leb128(entry.length), ...entry];
  const parts: Uint8Array[] = [wasm.subarray(0, 8)];
  let replaced = false;
  let inserted = false;
  for (let at = 8; at < wasm.length; ) {
    const id = wasm[at];
    let size = 0;
    let shift = 1;
    let i = at + 1;
    for (let byte = 0x80; byte & 0x80; i++, shift *= 128) size += ((byte = wasm[i]) & 0x7f) * shift;
    const end = i + size;
    if (id === IMPORT_SECTION) throw new CodecError("InvalidLayout", "The erasure kernel must not import anything");
    // Sections come in id order (custom ones, id 0, anywhere): imports go before functions.
    if (id > IMPORT_SECTION && !inserted) {
      parts.push(new Uint8Array(importSection));
      inserted = true;
    }
    if (id === MEMORY_SECTION) replaced = true;
    else parts.push(wasm.subarray(at, end));
    at = end;
  }
  if (!replaced) throw new CodecError("InvalidLayout", "The erasure kernel defines no memory");
  return new Uint8Array(Buffer.concat(parts));
}
