// A browser form upload (POST Object) of several hundred MiB, generated on the fly, streams
// through the real server process: its peak RSS (VmHWM) stays far below the upload size, the
// stored object is every byte that was sent, and one over content-length-range leaves nothing.
import { afterAll, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { CreateBucketCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { TempDirs } from "../support/temp-dirs.ts";
import { ROOT_PASSWORD, ROOT_USER, startServer } from "../support/server-process.ts";

const temp = new TempDirs();
afterAll(() => temp.cleanup());

const MiB = 1024 * 1024;
const SIZE = Number(process.env.BUNKER_POST_TEST_BYTES ?? 512 * MiB);
const RSS_LIMIT = 300 * MiB;

/** Peak resident set of a process (VmHWM), in bytes. */
function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmHWM for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/** SigV2 policy fields for `key` with a content-length-range. */
function policyFields(bucket: string, key: string, max: number): [string, string][] {
  const doc = { expiration: new Date(Date.now() + 3600_000).toISOString(), conditions: [{ bucket }, { key }, ["content-length-range", 0, max]] };
  const policy = Buffer.from(JSON.stringify(doc)).toString("base64");
  return [
    ["key", key],
    ["AWSAccessKeyId", ROOT_USER],
    ["policy", policy],
    ["signature", createHmac("sha1", ROOT_PASSWORD).update(policy).digest("base64")],
  ];
}

/**
 * A multipart/form-data body as a browser frames it, the file part `size` bytes of 1 MiB blocks
 * each stamped with its index; `md5` is the file's digest once the stream has been read.
 */
function formStream(fields: [string, string][], size: number): { body: ReadableStream<Uint8Array>; length: number; type: string; md5: () => string } {
  const boundary = `----BunkerFormBoundary${crypto.randomUUID().replaceAll("-", "")}`;
  const head =
    fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("") +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const base = new Uint8Array(MiB);
  for (let off = 0; off < MiB; off += 65536) crypto.getRandomValues(base.subarray(off, off + 65536));
  const hash = new Bun.CryptoHasher("md5");
  let sent = 0;
  let state: "head" | "file" | "tail" | "done" = "head";
  const body = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (state === "head") {
          state = "file";
          return c.enqueue(Buffer.from(head));
        }
        if (state === "file" && sent < size) {
          const b = base.slice(0, Math.min(MiB, size - sent));
          new DataView(b.buffer).setFloat64(0, sent);
          hash.update(b);
          sent += b.length;
          return c.enqueue(b);
        }
        if (state !== "done") {
          state = "done";
          return c.enqueue(Buffer.from(tail));
        }
        c.close();
      },
    },
    { highWaterMark: 2 },
  );
  return {
    body,
    length: Buffer.byteLength(head) + size + Buffer.byteLength(tail),
    type: `multipart/form-data; boundary=${boundary}`,
    md5: () => hash.digest("hex"),
  };
}

test(`a ${SIZE / MiB} MiB POST form upload streams under ${RSS_LIMIT / MiB} MB RSS; one over its length range stores nothing`, async () => {
  const server = await startServer(temp, { drives: 4 });
  try {
    const s3 = server.client();
    await s3.send(new CreateBucketCommand({ Bucket: "forms" }));
    const post = async (form: ReturnType<typeof formStream>) =>
      fetch(`${server.endpoint}/forms`, {
        method: "POST",
        headers: { "content-type": form.type, "content-length": String(form.length) },
        body: form.body,
        duplex: "half",
      } as RequestInit);

    const ok = formStream(policyFields("forms", "big", SIZE), SIZE);
    const res = await post(ok);
    expect(res.status).toBe(204);
    const afterOk = peakRss(server.proc.pid);
    const head = await s3.send(new HeadObjectCommand({ Bucket: "forms", Key: "big" }));
    expect(head.ContentLength).toBe(SIZE);
    expect(head.ETag).toBe(`"${ok.md5()}"`);

    const over = formStream(policyFields("forms", "over", 64 * MiB), 200 * MiB);
    const refused = await post(over);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("<Code>EntityTooLarge</Code>");
    await expect(s3.send(new HeadObjectCommand({ Bucket: "forms", Key: "over" }))).rejects.toMatchObject({ name: "NotFound" });
    const afterOver = peakRss(server.proc.pid);
    console.log(
      JSON.stringify({
        test: "s3-post-streaming",
        bytes: SIZE,
        peakRssAfterPostMB: Math.round(afterOk / MiB),
        peakRssAfterRefusalMB: Math.round(afterOver / MiB),
      }),
    );
    expect(afterOk).toBeLessThan(RSS_LIMIT);
    expect(afterOver).toBeLessThan(RSS_LIMIT);
  } finally {
    expect(await server.stop()).toBe(0);
  }
}, 300_000);
