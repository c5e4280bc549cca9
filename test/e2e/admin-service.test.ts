// The admin API's service restart and stop on the real server process, through MinIO's own client
// (madmin-go): restart drains and re-executes the process (same pid, same port, fresh in-memory
// state, data intact); stop drains and exits 0, leaving the port free.
import { afterAll, expect, test } from "bun:test";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { buildMadminClient, madmin, madminMissing, type MadminResult } from "../support/madmin-client.ts";
import { pattern } from "../support/s3-harness.ts";
import { ROOT_PASSWORD, ROOT_USER, startServer } from "../support/server-process.ts";
import { TempDirs } from "../support/temp-dirs.ts";
import { portFree } from "../../src/server-relaunch.ts";

const missing = madminMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP admin service e2e: ${missing} (set CI=1 to make this a failure)`);

const temp = new TempDirs();
afterAll(() => temp.cleanup());
const root = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };

test.skipIf(skip)(
  "service restart re-executes the server on the same port with its data; service stop exits 0 and frees the port",
  async () => {
    if (missing !== null) throw new Error(`${missing}; CI must install it`);
    const bin = (await buildMadminClient())!;
    const s = await startServer(temp);
    try {
      const call = (command: string, args?: unknown): Promise<MadminResult> => madmin(bin, s.endpoint, root, command, args);
      const body = pattern(400_000, 9);
      await s.client().send(new CreateBucketCommand({ Bucket: "keep" }));
      await s.client().send(new PutObjectCommand({ Bucket: "keep", Key: "obj", Body: body }));
      // A finished heal sequence lives in the process's memory only: after a restart it is gone.
      const start = await call("heal", { bucket: "keep", opts: {} });
      if (!start.ok) throw new Error(`heal failed: ${JSON.stringify(start.error)}`);
      const token = start.result.healStart.clientToken;
      const pid = s.proc.pid;

      expect(await call("service-restart")).toEqual({ ok: true, result: null });
      let forgotten = false;
      for (let i = 0; i < 300 && !forgotten; i++) {
        await Bun.sleep(100);
        const r = await call("heal", { bucket: "keep", clientToken: token });
        forgotten = !r.ok && r.error.code === "XMinioHealNoSuchProcess";
      }
      expect(forgotten).toBe(true);
      expect(s.proc.exitCode).toBeNull();
      expect(s.proc.pid).toBe(pid); // replaced in place (execve), not a new child
      const got = await (await s.client().send(new GetObjectCommand({ Bucket: "keep", Key: "obj" }))).Body!.transformToByteArray();
      expect(Buffer.from(got).equals(Buffer.from(body))).toBe(true);
      const info = await call("server-info");
      expect(info.ok && info.result.mode).toBe("online");

      expect(await call("service-stop")).toEqual({ ok: true, result: null });
      expect(await s.proc.exited).toBe(0);
      expect(await portFree("127.0.0.1", s.port)).toBe(true);
    } finally {
      await s.stop("SIGKILL");
    }
  },
  120_000,
);
