// mc admin logs through madmin-go's GetLogs: the last lines this server logged are replayed,
// then new lines arrive as they are logged, as madmin LogInfo (node, level, kind, time, console
// message), secrets redacted; a server line (the replaced-drive heal at start) arrives; other
// nodes and log kinds we do not produce are refused; users without admin:ConsoleLog are denied.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, rmSync } from "node:fs";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { buildMadminClient, madmin, madminMissing, type MadminResult } from "../support/madmin-client.ts";
import { ROOT_PASSWORD, ROOT_USER, startS3, type S3Harness } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const missing = madminMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP admin log tests: ${missing} (set CI=1 to make this a failure)`);

const root = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
const temp = new TempDirs();
let bin: string;
let h: S3Harness;

type LogInfo = { ConsoleMsg: string; node: string; level: string; errKind: string; time: string; deploymentid?: string };

/** Runs a log stream while `meanwhile` repeats (so lines are logged whenever the stream connects). */
async function logDuring(args: object, meanwhile: () => void, creds = root): Promise<MadminResult> {
  let done = false;
  const stream = madmin(bin, h.endpoint, creds, "log", { seconds: 20, ...args }).finally(() => {
    done = true;
  });
  while (!done) {
    meanwhile();
    await Bun.sleep(100);
  }
  return stream;
}

describe.skipIf(skip)("admin console log", () => {
  beforeAll(async () => {
    if (missing !== null) throw new Error(`${missing}; CI must install it`);
    bin = (await buildMadminClient())!;
    h = await startS3(temp);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    temp.cleanup();
  });

  test("the last lines first, then new ones as they are logged; no secret is ever streamed", async () => {
    h.bunker.logger.info("before the stream: one");
    h.bunker.logger.info(`before the stream: two, with the root secret ${ROOT_PASSWORD}`);
    let n = 0;
    // New lines only once the stream follows the log, so the replay is exactly the two lines above.
    const r = await logDuring({ limit: 2, logType: "ALL", until: "while streaming" }, () => {
      if (h.bunker.logger.following > 0) h.bunker.logger.info(`while streaming ${n++}`);
    });
    if (!r.ok) throw new Error(r.error.message);
    const lines = r.result as LogInfo[];
    expect(lines.map((l) => l.ConsoleMsg).slice(0, 2)).toEqual(["before the stream: one", "before the stream: two, with the root secret *REDACTED*"]);
    expect(lines.at(-1)?.ConsoleMsg).toStartWith("while streaming ");
    expect(lines[0]).toMatchObject({ level: "INFO", errKind: "MINIO", node: expect.stringContaining(":") });
    expect(Number.isNaN(Date.parse(lines[0].time))).toBe(false);
    expect(lines[0].deploymentid).toBe(h.bunker.formats[0].deploymentId);
    expect(JSON.stringify(r.result)).not.toContain(ROOT_PASSWORD);
    // The client went away: the stream stops following the log.
    for (let i = 0; i < 100 && h.bunker.logger.following > 0; i++) await Bun.sleep(50);
    expect(h.bunker.logger.following).toBe(0);
  }, 30_000);

  test("a line the server logs itself arrives: the heal of a replaced drive after a restart", async () => {
    await h.client().send(new CreateBucketCommand({ Bucket: "logged" }));
    await h.client().send(new PutObjectCommand({ Bucket: "logged", Key: "k", Body: "healed back" }));
    const drives = h.drives;
    await h.close();
    for (const name of readdirSync(drives[0])) rmSync(`${drives[0]}/${name}`, { recursive: true, force: true });
    h = await startS3(temp, { driveArgs: () => drives });
    const r = await madmin(bin, h.endpoint, root, "log", { limit: 1000, logType: "MINIO", until: "Healing", seconds: 20 });
    if (!r.ok) throw new Error(r.error.message);
    expect((r.result as LogInfo[]).map((l) => l.ConsoleMsg)).toContain("Healing 1 replaced drive(s) in the background…");
  }, 60_000);

  test("other nodes, log kinds we do not produce and bad limits are refused; a user without admin:ConsoleLog is denied", async () => {
    expect(await madmin(bin, h.endpoint, root, "log", { node: "elsewhere:9000", limit: 10, seconds: 5 })).toMatchObject({
      ok: false,
      error: { code: "XMinioAdminInvalidArgument", status: 400 },
    });
    expect(await madmin(bin, h.endpoint, root, "log", { limit: 10, logType: "APPLICATION", seconds: 5 })).toMatchObject({
      ok: false,
      error: { code: "NotImplemented", status: 501 },
    });
    expect(await madmin(bin, h.endpoint, root, "log", { limit: 10, logType: "DEBUG", seconds: 5 })).toMatchObject({
      ok: false,
      error: { code: "XMinioAdminInvalidArgument", status: 400 },
    });
    const raw = await h.signed({ path: "/minio/admin/v3/log", query: { limit: "-1", logType: "ALL" } });
    expect([raw.status, ((await raw.json()) as { Code: string }).Code]).toEqual([400, "XMinioAdminInvalidArgument"]);
    expect((await madmin(bin, h.endpoint, root, "add-user", { accessKey: "logreader", secretKey: "logreader-secret" })).ok).toBe(true);
    expect((await madmin(bin, h.endpoint, root, "set-policy", { policy: "readwrite", entity: "logreader", isGroup: false })).ok).toBe(true);
    expect(await madmin(bin, h.endpoint, { accessKey: "logreader", secretKey: "logreader-secret" }, "log", { limit: 10, seconds: 5 })).toMatchObject({
      ok: false,
      error: { code: "AccessDenied", status: 403 },
    });
  }, 30_000);
});
