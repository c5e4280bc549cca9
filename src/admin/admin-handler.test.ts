// The admin endpoints on a real 4-drive store (EC 2+2: read quorum 2, write quorum 3): health
// probes as drives go offline or hang, maintenance mode, metrics auth, and the metric names,
// labels and values of the cluster, node and bucket endpoints.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { RequestMetrics } from "../util/index.ts";
import { useCodec } from "../../test/support/use-codec.ts";
import { bodyOf, openTestStore, type TestStore } from "../../test/support/object-harness.ts";
import { createAdminHandler, type AdminDeps, type AdminHandler } from "./admin-handler.ts";
import { signPrometheusToken } from "./prometheus-auth.ts";
import { UsageCache } from "./usage-cache.ts";

const { codec, temp } = useCodec();
let t: TestStore;
const handlers: AdminHandler[] = [];
const config = { prometheusAuthType: "jwt" as const, rootUser: "admin", rootPassword: "admin-secret", version: "0.1.0", storageClass: {} };
const token = signPrometheusToken({ accessKey: "admin", secretKey: "admin-secret" });

beforeEach(async () => {
  t = await openTestStore(temp, codec, { drives: 4 });
  await t.store.makeBucket("bkt");
});
afterEach(async () => {
  for (const h of handlers.splice(0)) await h.close();
  for (const d of t.drives) d.release();
  await t.close();
});

function admin(extra: Partial<AdminDeps> = {}): AdminHandler {
  const h = createAdminHandler({ config, store: t.store, nodeName: "127.0.0.1:9000", driveTimeoutMs: 2_000, ...extra });
  handlers.push(h);
  return h;
}

async function call(h: AdminHandler, path: string, init: RequestInit = {}): Promise<Response> {
  const url = new URL(path, "http://127.0.0.1:9000");
  const res = await h(new Request(url.href, init), url);
  if (!res) throw new Error(`${path} is not an admin path`);
  return res;
}

const scrape = async (h: AdminHandler, path = "/minio/v2/metrics/cluster") => {
  const res = await call(h, path, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return res.text();
};

/** Every line is a comment or `name{labels} value`, and each family's HELP and TYPE come first. */
function expectValidExposition(text: string) {
  const typed = new Set<string>();
  for (const line of text.trimEnd().split("\n")) {
    const meta = line.match(/^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) /);
    if (meta) {
      if (meta[1] === "TYPE") typed.add(meta[2]);
      continue;
    }
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (-?[0-9.e+]+|\+Inf|NaN)$/);
    expect(m, line).not.toBeNull();
    expect(typed.has(m![1]), `${m![1]} has no TYPE line before it`).toBe(true);
  }
}

/** `name{labels}` with this server's label, names sorted as the renderer writes them. */
function series(name: string, labels: Record<string, string> = {}): string {
  const all: Record<string, string> = { ...labels, server: "127.0.0.1:9000" };
  return `${name}{${Object.keys(all)
    .sort()
    .map((k) => `${k}="${all[k]}"`)
    .join(",")}}`;
}

const value = (text: string, series: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe("health", () => {
  test("live and ready answer 200; cluster and cluster/read report their quorum", async () => {
    const h = admin();
    for (const p of ["/minio/health/live", "/minio/health/ready"]) {
      const res = await call(h, p);
      expect([res.status, await res.text(), res.headers.get("x-minio-server-status")]).toEqual([200, "", null]);
    }
    expect((await call(h, "/minio/health/live", { method: "HEAD" })).status).toBe(200);
    const cluster = await call(h, "/minio/health/cluster");
    expect([cluster.status, cluster.headers.get("x-minio-write-quorum"), cluster.headers.get("x-minio-storage-class-defaults")]).toEqual([200, "3", "true"]);
    const read = await call(h, "/minio/health/cluster/read");
    expect([read.status, read.headers.get("x-minio-read-quorum")]).toEqual([200, "2"]);
  });

  test("cluster turns 503 when a set loses write quorum, cluster/read when it loses read quorum", async () => {
    const h = admin();
    t.drives[0].faults.offline = true;
    expect((await call(h, "/minio/health/cluster")).status).toBe(200);
    t.drives[1].faults.offline = true;
    const res = await call(h, "/minio/health/cluster");
    expect([res.status, res.headers.get("x-minio-write-quorum")]).toEqual([503, "3"]);
    expect((await call(h, "/minio/health/cluster/read")).status).toBe(200);
    t.drives[2].faults.offline = true;
    expect((await call(h, "/minio/health/cluster/read")).status).toBe(503);
    expect((await call(h, "/minio/health/live")).status).toBe(200);
  });

  test("ready means a write can be served: 503 once a set loses write quorum, while live stays 200", async () => {
    const h = admin();
    t.drives[0].faults.offline = true;
    expect((await call(h, "/minio/health/ready")).status).toBe(200);
    t.drives[1].faults.offline = true;
    expect((await call(h, "/minio/health/ready")).status).toBe(503);
    expect((await call(h, "/minio/health/ready", { method: "HEAD" })).status).toBe(503);
    expect((await call(h, "/minio/health/live")).status).toBe(200);
    t.drives[1].faults.offline = false;
    expect((await call(h, "/minio/health/ready")).status).toBe(200);
  });

  test("drives being healed are reported: x-minio-healing-drives and the per-set gauge", async () => {
    let healing = [{ pool: 0, set: 0, position: 2 }];
    const h = admin({ healing: () => healing });
    const res = await call(h, "/minio/health/cluster");
    expect([res.status, res.headers.get("x-minio-healing-drives")]).toEqual([200, "1"]);
    expect(value(await scrape(h), series("minio_cluster_health_erasure_set_healing_drives", { pool: "0", set: "0" }))).toBe(1);
    healing = [];
    expect((await call(h, "/minio/health/cluster")).headers.get("x-minio-healing-drives")).toBeNull();
    expect(value(await scrape(h), series("minio_cluster_health_erasure_set_healing_drives", { pool: "0", set: "0" }))).toBe(0);
  });

  test("a drive that hangs counts as offline after the deadline", async () => {
    const h = admin({ driveTimeoutMs: 50 });
    t.drives[0].faults.hangOn = (m) => m === "info";
    t.drives[1].faults.hangOn = (m) => m === "info";
    expect((await call(h, "/minio/health/cluster")).status).toBe(503);
    expect((await call(h, "/minio/health/cluster/read")).status).toBe(200);
  });

  test("maintenance=true answers 412 unless the other servers' drives keep write quorum", async () => {
    expect((await call(admin(), "/minio/health/cluster?maintenance=true")).status).toBe(412);
    const endpoints = t.roots.map((path, i) => ({ raw: path, path, isLocal: i === 0 }));
    const layout = {
      setupType: "dist-erasure" as const,
      pools: [{ cmdline: "", legacy: false, endpoints, sets: [[0, 1, 2, 3]], setCount: 1, setDriveCount: 4 }],
    };
    const h = admin({ config: { ...config, layout } });
    expect((await call(h, "/minio/health/cluster?maintenance=true")).status).toBe(200);
    t.drives[3].faults.offline = true;
    expect((await call(h, "/minio/health/cluster?maintenance=true")).status).toBe(412);
    expect((await call(h, "/minio/health/cluster")).status).toBe(200);
  });

  test("before the store is ready: live says offline in a header, ready and cluster are 503", async () => {
    const h = admin({ store: () => null });
    const live = await call(h, "/minio/health/live");
    expect([live.status, live.headers.get("x-minio-server-status")]).toEqual([200, "offline"]);
    const ready = await call(h, "/minio/health/ready");
    expect([ready.status, ready.headers.get("x-minio-server-status")]).toEqual([503, "offline"]);
    expect((await call(h, "/minio/health/cluster")).status).toBe(503);
  });

  test("other paths are not ours; other methods are refused", async () => {
    const h = admin();
    const url = new URL("http://127.0.0.1:9000/bkt/minio/health/live");
    expect(await h(new Request(url.href), url)).toBeNull();
    expect((await call(h, "/minio/health/live", { method: "POST" })).status).toBe(405);
  });
});

describe("metrics", () => {
  test("need the root user's bearer token unless the auth type is public", async () => {
    const h = admin();
    expect((await call(h, "/minio/v2/metrics/cluster")).status).toBe(403);
    const wrong = signPrometheusToken({ accessKey: "admin", secretKey: "not-the-secret" });
    const res = await call(h, "/minio/v2/metrics/node", { headers: { authorization: `Bearer ${wrong}` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { Code: string }).Code).toBe("AccessDenied");
    const pub = admin({ config: { ...config, prometheusAuthType: "public" } });
    expect((await call(pub, "/minio/v2/metrics/cluster")).status).toBe(200);
  });

  test("cluster: drives, capacity, health, buckets, usage, requests, process and version", async () => {
    const requests = new RequestMetrics();
    requests.observeRequest("PutObject", 200, 0.02, 11, 0);
    const usage = new UsageCache(t.store);
    const h = admin({ requests, usage });
    await t.store.putObject("bkt", "a", bodyOf("hello world"), { size: 11, userMeta: {} });
    await t.store.putObject("bkt", "b", bodyOf("x"), { size: 1, userMeta: {} });
    t.drives[3].faults.offline = true;
    await usage.refresh();
    const text = await scrape(h);
    expectValidExposition(text);
    const s = (name: string, labels: Record<string, string> = {}) => value(text, series(name, labels));
    expect([s("minio_cluster_drive_online_total"), s("minio_cluster_drive_offline_total"), s("minio_cluster_drive_total")]).toEqual([3, 1, 4]);
    expect(s("minio_cluster_capacity_raw_total_bytes")).toBeGreaterThan(0);
    expect(s("minio_cluster_capacity_usable_total_bytes")).toBe(Math.floor(s("minio_cluster_capacity_raw_total_bytes")! / 2));
    expect([s("minio_cluster_health_status"), s("minio_cluster_write_quorum")]).toEqual([1, 3]);
    expect(s("minio_cluster_health_erasure_set_online_drives", { pool: "0", set: "0" })).toBe(3);
    expect(s("minio_cluster_health_erasure_set_read_quorum", { pool: "0", set: "0" })).toBe(2);
    expect([s("minio_cluster_bucket_total"), s("minio_cluster_usage_object_total"), s("minio_cluster_usage_total_bytes")]).toEqual([1, 2, 12]);
    expect(s("minio_s3_requests_total", { api: "putobject" })).toBe(1);
    expect(s("minio_s3_traffic_received_bytes")).toBe(11);
    expect(s("minio_node_process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(s("minio_node_process_cpu_total_seconds")).toBeGreaterThan(0);
    expect(s("minio_software_version_info", { version: "0.1.0" })).toBe(0);
    expect(text).not.toContain("minio_heal_objects_total");
  });

  test("cluster health status drops to 0 without write quorum; heal counters appear after heals", async () => {
    const heals = { started: 3, failed: 1 };
    const store = {
      storageInfo: async (o?: { timeoutMs?: number }) => ({ ...(await t.store.storageInfo(o)), heals }),
      listBuckets: () => t.store.listBuckets(),
      listObjectVersions: t.store.listObjectVersions.bind(t.store),
    };
    const h = admin({ store });
    t.drives[0].faults.offline = true;
    t.drives[1].faults.offline = true;
    const text = await scrape(h);
    expect(value(text, 'minio_cluster_health_status{server="127.0.0.1:9000"}')).toBe(0);
    expect(value(text, 'minio_heal_objects_heal_total{server="127.0.0.1:9000",type="object"}')).toBe(2);
    expect(value(text, 'minio_heal_objects_errors_total{server="127.0.0.1:9000",type="object"}')).toBe(1);
  });

  test("node: bytes and inodes per local drive, drive counts, parity and the process collector", async () => {
    const text = await scrape(admin(), "/minio/v2/metrics/node");
    expectValidExposition(text);
    for (const root of t.roots) {
      expect(value(text, `minio_node_drive_total_bytes{drive="${root}",server="127.0.0.1:9000"}`)).toBeGreaterThan(0);
      expect(value(text, `minio_node_drive_free_bytes{drive="${root}",server="127.0.0.1:9000"}`)).toBeGreaterThan(0);
      expect(value(text, `minio_node_drive_used_bytes{drive="${root}",server="127.0.0.1:9000"}`)).toBeGreaterThanOrEqual(0);
    }
    expect(value(text, 'minio_node_drive_online_total{server="127.0.0.1:9000"}')).toBe(4);
    expect(value(text, 'minio_node_storage_class_standard_parity{server="127.0.0.1:9000"}')).toBe(2);
    expect(value(text, 'minio_process_resident_memory_bytes{server="127.0.0.1:9000"}')).toBeGreaterThan(0);
  });

  test("bucket: usage per bucket once a count has finished; the legacy path answers as cluster", async () => {
    const usage = new UsageCache(t.store);
    const h = admin({ usage });
    await t.store.putObject("bkt", "k", bodyOf("abc"), { size: 3, userMeta: {} });
    await usage.refresh();
    const text = await scrape(h, "/minio/v2/metrics/bucket");
    expect(value(text, 'minio_bucket_usage_object_total{bucket="bkt",server="127.0.0.1:9000"}')).toBe(1);
    expect(value(text, 'minio_bucket_usage_total_bytes{bucket="bkt",server="127.0.0.1:9000"}')).toBe(3);
    expect(await scrape(h, "/minio/prometheus/metrics")).toContain("minio_cluster_drive_total");
  });
});
