// The compiled binary, as an operator runs it: it serves a real client on temp drives, a
// SIGTERM during an upload either lets the upload finish or leaves nothing of it (never a
// partial object), and a restart on the same drives finds every acknowledged object intact.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { join } from "node:path";
import { compile, parseArgs } from "../../scripts/build-all-targets.ts";
import { TempDirs } from "../support/temp-dirs.ts";
import { ROOT_PASSWORD, ROOT_USER, startServer } from "../support/server-process.ts";
import { BenchClient } from "../../scripts/bench/sigv4-client.ts";

const temp = new TempDirs();
const HOST = `${process.platform}-${process.arch}`;
let binary = "";

beforeAll(() => {
  const out = temp.make("bunker-bin-");
  binary = compile(`bun-${HOST}`, parseArgs(["--targets", HOST, "--outdir", out]));
}, 180_000);
afterAll(() => temp.cleanup());

const pattern = (n: number, seed: number) => new Uint8Array(n).map((_, i) => (i * 131 + seed) & 0xff);

async function readBack(s3: ReturnType<Awaited<ReturnType<typeof startServer>>["client"]>, key: string): Promise<Uint8Array> {
  const res = await s3.send(new GetObjectCommand({ Bucket: "bin", Key: key }));
  return res.Body!.transformToByteArray();
}

/** A PUT whose body arrives in two halves, the second only when `release` is called. */
function slowPut(endpoint: string, key: string, data: Uint8Array): { done: Promise<number>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const half = data.length >> 1;
  const body = new ReadableStream<Uint8Array>({
    async start(c) {
      c.enqueue(data.slice(0, half));
      await gate;
      c.enqueue(data.slice(half));
      c.close();
    },
  });
  const client = new BenchClient(endpoint, ROOT_USER, ROOT_PASSWORD);
  // Settles to the status, or 0 when the server cut the connection (never an unhandled rejection).
  const done = client.request("PUT", `/bin/${key}`, { body, length: data.length }).then(
    (r) => r.status,
    () => 0,
  );
  return { done, release };
}

test.skipIf(HOST !== "linux-x64" && HOST !== "linux-arm64")(
  "serve, SIGTERM mid-upload, restart with everything intact",
  async () => {
    const first = await startServer(temp, { binary, args: ["--shutdown-timeout", "2s"] });
    const s3 = first.client();
    await s3.send(new CreateBucketCommand({ Bucket: "bin" }));
    const objects = new Map<string, Uint8Array>([
      ["small.txt", new TextEncoder().encode("hello from the binary")],
      ["big.bin", pattern(5 * 1024 * 1024 + 17, 3)],
    ]);
    for (const [key, data] of objects) await s3.send(new PutObjectCommand({ Bucket: "bin", Key: key, Body: data }));

    // An upload still waiting for its second half when SIGTERM arrives; it never completes.
    const stalled = slowPut(first.endpoint, "stalled.bin", pattern(8 * 1024 * 1024, 5));
    // An upload that completes its body right after SIGTERM: it is in flight and must finish.
    const finishing = slowPut(first.endpoint, "finishing.bin", pattern(3 * 1024 * 1024, 7));
    await Bun.sleep(300);
    first.proc.kill("SIGTERM");
    await Bun.sleep(100);
    finishing.release();
    const finished = await finishing.done;
    expect(await first.proc.exited).toBe(0);
    expect(await stalled.done).not.toBe(200);
    // In flight when SIGTERM came and done within --shutdown-timeout: it is answered and kept.
    expect(finished).toBe(200);
    objects.set("finishing.bin", pattern(3 * 1024 * 1024, 7));

    const second = await startServer(temp, { binary, drives: first.drives });
    const s3b = second.client();
    const listed = await s3b.send(new ListObjectsV2Command({ Bucket: "bin" }));
    const keys = (listed.Contents ?? []).map((c) => c.Key).sort();
    expect(keys).not.toContain("stalled.bin");
    expect(keys).toEqual([...objects.keys()].sort());
    for (const [key, data] of objects) expect(Buffer.from(await readBack(s3b, key)).equals(Buffer.from(data))).toBe(true);
    // Nothing of the cut-off upload is left staged on any drive.
    for (const d of first.drives) {
      const staged = Bun.spawnSync(["find", join(d, ".minio.sys/tmp"), "-type", "f"])
        .stdout.toString()
        .trim();
      expect(staged).toBe("");
    }
    expect(await second.stop()).toBe(0);
  },
  120_000,
);
