// Continuous S3 traffic for cluster fault tests: writers PUT objects round-robin through the
// given clients and remember every acknowledged key with the MD5 of its bytes; readers GET
// acknowledged keys back and count wrong bytes. `verify` then reads every acknowledged key
// through a client and reports what is missing or different.
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { pattern } from "./s3-harness.ts";

export interface LoadResult {
  /** Acknowledged key → MD5 hex of what was written. */
  acked: Map<string, string>;
  /** Operations that failed after the SDK's own retries, with why. */
  failures: string[];
  /** GETs that returned other bytes than were acknowledged (never acceptable). */
  wrongBytes: string[];
  reads: number;
}

export function md5hex(b: Uint8Array): string {
  return new Bun.CryptoHasher("md5").update(b).digest("hex");
}

/** Deterministic bytes for a key (so a reader can check without keeping the body). */
export function bodyFor(key: string, size: number): Uint8Array {
  return pattern(size, Bun.hash.crc32(key));
}

export class S3Load {
  readonly result: LoadResult = { acked: new Map(), failures: [], wrongBytes: [], reads: 0 };
  #running = false;
  #loops: Promise<void>[] = [];
  #n = 0;

  constructor(
    readonly clients: () => S3Client[],
    readonly bucket: string,
    readonly opts: { writers?: number; readers?: number; sizes?: number[]; prefix?: string } = {},
  ) {}

  start(): void {
    this.#running = true;
    for (let w = 0; w < (this.opts.writers ?? 4); w++) this.#loops.push(this.#writer());
    for (let r = 0; r < (this.opts.readers ?? 2); r++) this.#loops.push(this.#reader());
  }

  async stop(): Promise<LoadResult> {
    this.#running = false;
    await Promise.all(this.#loops);
    return this.result;
  }

  async #writer(): Promise<void> {
    const sizes = this.opts.sizes ?? [1_000, 200_000, 3 * 1024 * 1024];
    while (this.#running) {
      const n = this.#n++;
      const key = `${this.opts.prefix ?? "load"}/${String(n).padStart(6, "0")}`;
      const body = bodyFor(key, sizes[n % sizes.length]);
      const cs = this.clients();
      try {
        await cs[n % cs.length].send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body }));
        this.result.acked.set(key, md5hex(body));
      } catch (err) {
        this.result.failures.push(`PUT ${key} via client ${n % cs.length}: ${(err as Error).name}: ${(err as Error).message}`);
      }
    }
  }

  async #reader(): Promise<void> {
    let i = 0;
    while (this.#running) {
      const keys = [...this.result.acked.keys()];
      if (keys.length === 0) {
        await Bun.sleep(20);
        continue;
      }
      const key = keys[(i * 7919) % keys.length];
      const cs = this.clients();
      const c = cs[i++ % cs.length];
      try {
        const res = await c.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        const bytes = await res.Body!.transformToByteArray();
        this.result.reads++;
        if (md5hex(bytes) !== this.result.acked.get(key))
          this.result.wrongBytes.push(`${key} via client ${(i - 1) % cs.length}: ${bytes.length} bytes (Content-Length ${res.ContentLength})`);
      } catch (err) {
        this.result.failures.push(
          `GET ${key} via client ${(i - 1) % cs.length} at ${new Date().toISOString()}: ${(err as Error).name}: ${(err as Error).message}`,
        );
      }
    }
  }
}

/** Reads every acknowledged key through `client`; returns the keys that are missing or differ. */
export async function verifyAcked(client: S3Client, bucket: string, acked: ReadonlyMap<string, string>): Promise<string[]> {
  const bad: string[] = [];
  const keys = [...acked.keys()];
  for (let i = 0; i < keys.length; i += 8) {
    await Promise.all(
      keys.slice(i, i + 8).map(async (key) => {
        try {
          const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          const got = md5hex(await res.Body!.transformToByteArray());
          if (got !== acked.get(key)) bad.push(`${key}: wrong bytes`);
        } catch (err) {
          bad.push(`${key}: ${(err as Error).name}`);
        }
      }),
    );
  }
  return bad;
}
