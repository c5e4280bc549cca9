// Crash safety: a child process writing to a store (PUTs of every size class, multipart
// completes, unversioned and versioned buckets) is killed with SIGKILL at a random moment,
// many times over the same drives. After each kill a fresh store must show, for every key,
// the last acknowledged object or one whose write had begun — whole, by MD5 — never a broken
// one; the listing must agree; healAll must keep that answer and restore full redundancy.
// CRASH_ITERATIONS raises the number of kills (default 16); CRASH_DRIVES / CRASH_PARITY pick
// another layout (default 4 drives, EC 2+2).
import { expect, test } from "bun:test";
import { join } from "node:path";
import { useCodec } from "../../test/support/use-codec.ts";
import { md5hex, openTestStore, readAllBody, type TestStore } from "../../test/support/object-harness.ts";
import { CRASH_BUCKETS, CRASH_KEYS } from "../../test/support/crash-child.ts";
import { damagedPositions } from "../../test/support/shard-check.ts";
import { encodeDirObject } from "./object-info.ts";

const ITERATIONS = Number(process.env.CRASH_ITERATIONS ?? 16);
const DRIVES = Number(process.env.CRASH_DRIVES ?? 4);
const PARITY = process.env.CRASH_PARITY ? Number(process.env.CRASH_PARITY) : undefined;
const CHILD = join(import.meta.dir, "../../test/support/crash-child.ts");
const ABSENT = "absent";
const enc = new TextEncoder();

const { codec, temp } = useCodec();
let t: TestStore;

/** Fresh drives holding the crash buckets, closed again (the child opens them first). */
async function openFresh(wire: boolean): Promise<void> {
  t = await openTestStore(temp, codec, { drives: DRIVES, settings: PARITY === undefined ? undefined : { standardParity: PARITY }, wire });
  for (const b of CRASH_BUCKETS) await t.store.makeBucket(b);
  await t.store.setBucketConfig("crashv", "versioning", enc.encode("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"));
  await t.close();
}

/** Runs the child until a random moment, kills it with SIGKILL, returns its announcements. */
async function runAndKill(seed: number, killAfterMs: number, wire: boolean): Promise<string[]> {
  const proc = Bun.spawn([process.execPath, CHILD, JSON.stringify({ roots: t.roots, seed, parity: PARITY, wire })], { stdout: "pipe", stderr: "pipe" });
  const lines: string[] = [];
  let buf = "";
  let ready: () => void = () => {};
  const started = new Promise<void>((r) => (ready = r));
  const pump = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of proc.stdout) {
      buf += dec.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (line === "READY") ready();
      }
    }
  })();
  await Promise.race([started, proc.exited]);
  await Bun.sleep(killAfterMs);
  proc.kill("SIGKILL");
  await proc.exited;
  await pump;
  const failed = lines.find((l) => l.startsWith("FAILED"));
  if (failed) throw new Error(`child failed: ${failed} ${await new Response(proc.stderr).text()}`);
  expect(lines[0]).toBe("READY");
  return lines;
}

/** What each key may hold now: its state before the run, then per write: ACK → exactly that; BEGIN → old or new. */
function allowedStates(before: Map<string, string>, lines: string[]): Map<string, Set<string>> {
  const allowed = new Map<string, Set<string>>();
  for (const [k, v] of before) allowed.set(k, new Set([v]));
  for (const line of lines) {
    const [tag, bucket, key, md5] = line.split(" ");
    const id = `${bucket}/${key}`;
    if (tag === "BEGIN") allowed.get(id)!.add(md5);
    else if (tag === "ACK") allowed.set(id, new Set([md5]));
  }
  return allowed;
}

async function observe(): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  for (const bucket of CRASH_BUCKETS) {
    for (const key of CRASH_KEYS) {
      try {
        const r = await t.store.getObject(bucket, key);
        seen.set(`${bucket}/${key}`, md5hex(await readAllBody(r.body)));
      } catch (err) {
        const kind = (err as { kind?: string }).kind;
        seen.set(`${bucket}/${key}`, kind === "NoSuchKey" ? ABSENT : `error:${kind ?? (err as Error).message}`);
      }
    }
    const listed = (await t.store.listObjects(bucket, { maxKeys: 1000 })).objects.map((o) => `${bucket}/${o.key}`).sort();
    const present = [...seen]
      .filter(([id, v]) => id.startsWith(`${bucket}/`) && v !== ABSENT)
      .map(([id]) => id)
      .sort();
    expect(listed).toEqual(present);
  }
  return seen;
}

test.each([false, true])(
  `SIGKILL during writes, ${ITERATIONS} times (WireDrive: %p): every key old or new, whole, never broken`,
  async (wire) => {
    await openFresh(wire);
    let state = new Map(CRASH_BUCKETS.flatMap((b) => CRASH_KEYS.map((k) => [`${b}/${k}`, ABSENT] as [string, string])));
    let landedUnacked = 0;
    let inFlight = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const lines = await runAndKill(1000 + i, 150 + ((i * 389) % 1100), wire);
      const allowed = allowedStates(state, lines);
      inFlight += [...allowed.values()].filter((s) => s.size > 1).length;
      await t.reopen();
      const seen = await observe();
      for (const [id, v] of seen) expect({ id, v, allowed: allowed.get(id)!.has(v) }).toEqual({ id, v, allowed: true });
      for (const [id, v] of seen) {
        const [bucket, ...rest] = id.split("/");
        const lastAck = lines
          .filter((l) => l.startsWith(`ACK ${bucket} ${rest.join("/")} `))
          .at(-1)
          ?.split(" ")[3];
        if (v !== (lastAck ?? state.get(id))) landedUnacked++;
      }
      // heal what the crash left (partial commits, staged data) and check nothing changed
      const healed = await t.store.healAll();
      expect(healed.failed).toEqual([]);
      expect(await observe()).toEqual(seen);
      for (const [id, v] of seen) {
        if (v === ABSENT) continue;
        const [bucket, ...rest] = id.split("/");
        expect(await damagedPositions(t.store, bucket, encodeDirObject(rest.join("/")))).toEqual([]);
      }
      state = seen;
      await t.close();
    }
    // the kills really landed inside writes
    expect(inFlight).toBeGreaterThan(0);
    console.log(`crash test: ${ITERATIONS} kills, ${inFlight} writes in flight at a kill, ${landedUnacked} landed without their ACK`);
  },
  300_000,
);
