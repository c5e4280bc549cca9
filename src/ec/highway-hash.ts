// HighwayHash-256 (MinIO bitrot hash): streaming and one-shot, on our WASM kernel, or on
// highwayhasher's native addon where it loads (faster, and it reads JS memory in place).
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { CodecError } from "./codec-error.ts";
import { EcKernel } from "./ec-kernel.ts";
import { BITROT_KEY, HASH_SIZE } from "./layout.ts";

/** The subset of highwayhasher's native addon we use. */
export interface NativeHighway {
  hash256(key: Uint8Array, data: Uint8Array): Uint8Array;
}

/** MinIO's start-up self-test: 32 rounds of hash-and-append must end in this digest. */
const SELF_TEST = "39c0407ed3f01b18d22c85db4aeff11e060ca5f43131b0126731ca197cd42313";

const TRIPLES: Record<string, string> = {
  "linux-x64": "x86_64-unknown-linux-gnu",
  "linux-arm64": "aarch64-unknown-linux-gnu",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
  "win32-x64": "x86_64-pc-windows-msvc",
};

/** Runs MinIO's bitrot self-test on a one-shot hash function. */
export function bitrotSelfTest(hash: (data: Uint8Array) => Uint8Array): boolean {
  let msg: Uint8Array = new Uint8Array(0);
  let sum: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < 32; i++) {
    sum = hash(msg);
    const next = new Uint8Array(msg.length + sum.length);
    next.set(msg);
    next.set(sum, msg.length);
    msg = next;
  }
  return Buffer.from(sum).toString("hex") === SELF_TEST;
}

// undefined = not tried yet; null = not available here (e.g. inside a compiled binary,
// where node_modules is absent, or on a libc the prebuilt addon does not support).
let native: NativeHighway | null | undefined;

/** highwayhasher's native addon if it loads and passes MinIO's self-test, else null. */
export function loadNativeHighway(): NativeHighway | null {
  if (native !== undefined) return native;
  native = null;
  try {
    const triple = TRIPLES[`${process.platform}-${process.arch}`];
    if (!triple) return null;
    const req = createRequire(import.meta.url);
    const dir = dirname(req.resolve("highwayhasher/package.json"));
    const mod = req(join(dir, "dist", "node", `highwayhasher-${triple}.node`)) as NativeHighway;
    const candidate: NativeHighway = { hash256: (key, data) => new Uint8Array(mod.hash256(key, data)) };
    if (bitrotSelfTest((data) => candidate.hash256(BITROT_KEY, data))) native = candidate;
  } catch {
    native = null;
  }
  return native;
}

/** Which HighwayHash path highwayHash256() and the pool use by default here. */
export function hashImplementation(): "wasm" | "native" {
  return loadNativeHighway() ? "native" : "wasm";
}

// A private kernel for the one-shot helper: synchronous use only, no state survives a call.
let scratch: EcKernel | undefined;

/** HighwayHash-256 of `data` under `key` (MinIO's bitrot key by default). */
export function highwayHash256(data: Uint8Array, key: Uint8Array = BITROT_KEY): Uint8Array {
  checkKey(key);
  const nat = loadNativeHighway();
  if (nat) return nat.hash256(key, data);
  return (scratch ??= new EcKernel()).hashBytes(data, key);
}

function checkKey(key: Uint8Array): void {
  if (key.length !== 32) throw new CodecError("InvalidLayout", `HighwayHash key must be 32 bytes, got ${key.length}`);
}

/** Streaming HighwayHash-256 on the WASM kernel: update() any number of times, then digest(). */
export class HighwayHash256 {
  readonly #kernel: EcKernel;
  readonly #state = new Uint8Array(128);
  readonly #pending = new Uint8Array(32);
  #pendingLen = 0;
  #done = false;

  constructor(key: Uint8Array = BITROT_KEY, kernel: EcKernel = new EcKernel()) {
    checkKey(key);
    this.#kernel = kernel;
    kernel.hashInit(this.#state, key);
  }

  update(data: Uint8Array): this {
    if (this.#done) throw new CodecError("Closed", "Cannot update a HighwayHash256 after digest()");
    let off = 0;
    if (this.#pendingLen > 0) {
      const take = Math.min(32 - this.#pendingLen, data.length);
      this.#pending.set(data.subarray(0, take), this.#pendingLen);
      this.#pendingLen += take;
      off = take;
      if (this.#pendingLen < 32) return this;
      this.#kernel.hashPackets(this.#state, this.#pending);
      this.#pendingLen = 0;
    }
    // Whole packets go straight through, in steps of 1 MiB to bound kernel memory.
    const whole = off + ((data.length - off) & ~31);
    for (let at = off; at < whole; at += 1 << 20) {
      this.#kernel.hashPackets(this.#state, data.subarray(at, Math.min(whole, at + (1 << 20))));
    }
    this.#pending.set(data.subarray(whole));
    this.#pendingLen = data.length - whole;
    return this;
  }

  digest(): Uint8Array {
    if (this.#done) throw new CodecError("Closed", "HighwayHash256.digest() was already called");
    this.#done = true;
    const out = this.#kernel.hashFinal(this.#state, this.#pending.subarray(0, this.#pendingLen));
    return out.length === HASH_SIZE ? out : out.slice(0, HASH_SIZE);
  }
}
