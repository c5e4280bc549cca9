// The admin API's routing, madmin JSON shapes and refusals, over a PoolAdmin that keeps its
// pools in memory (the real one is exercised end to end in test/integration/admin-pools.test.ts).
import { expect, test } from "bun:test";
import { AdminError } from "./admin-error.ts";
import { createAdminApi } from "./admin-api.ts";
import type { PoolAdmin, PoolView } from "./pools-api.ts";

function pools(n: number): { admin: PoolAdmin; views: PoolView[]; calls: string[] } {
  const views: PoolView[] = Array.from({ length: n }, (_, i) => ({
    index: i,
    id: `http://h{1...2}/p${i + 1}/d{1...4}`,
    status: "active",
    total: 1000,
    free: 600,
  }));
  const calls: string[] = [];
  const admin: PoolAdmin = {
    list: async () => views.map((v) => ({ ...v })),
    async start(index) {
      calls.push(`start ${index}`);
      views[index].status = "draining";
      views[index].decommission = {
        id: views[index].id,
        status: "draining",
        startTime: "2026-12-07T10:00:00.000Z",
        objectsMoved: 3,
        bytesMoved: 30,
        objectsFailed: 0,
        bytesFailed: 0,
        startFree: 500,
      };
    },
    async cancel(index) {
      calls.push(`cancel ${index}`);
      views[index].status = "canceled";
    },
  };
  return { admin, views, calls };
}

const ROOT = { identity: { kind: "root" as const, accessKey: "root" }, secretKey: "root-secret", body: new Uint8Array(0) };
const allow = async () => ROOT;

async function call(api: ReturnType<typeof createAdminApi>, method: string, target: string) {
  const url = new URL(`http://127.0.0.1:9000${target}`);
  const res = await api(new Request(url.href, { method }), url, url.pathname);
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), body: text ? JSON.parse(text) : null };
}

test("pools/list and pools/status answer madmin's PoolStatus; a drain's counters appear in decommissionInfo", async () => {
  const p = pools(2);
  const api = createAdminApi({ authenticate: allow, pools: p.admin });
  const list = await call(api, "GET", "/minio/admin/v3/pools/list");
  expect(list.status).toBe(200);
  expect(list.type).toBe("application/json");
  expect(list.body.map((s: { id: number; cmdline: string }) => [s.id, s.cmdline])).toEqual([
    [0, p.views[0].id],
    [1, p.views[1].id],
  ]);
  expect(list.body[0].decommissionInfo).toBeUndefined();
  expect(typeof list.body[0].lastUpdate).toBe("string");

  expect((await call(api, "POST", `/minio/admin/v3/pools/decommission?pool=${encodeURIComponent(p.views[0].id)}`)).status).toBe(200);
  expect(p.calls).toEqual(["start 0"]);
  const st = await call(api, "GET", "/minio/admin/v3/pools/status?pool=0&by-id=true");
  expect(st.body).toEqual({
    id: 0,
    cmdline: p.views[0].id,
    lastUpdate: "2026-12-07T10:00:00.000Z",
    decommissionInfo: {
      startTime: "2026-12-07T10:00:00.000Z",
      startSize: 500,
      totalSize: 1000,
      currentSize: 600,
      complete: false,
      failed: false,
      canceled: false,
      objectsDecommissioned: 3,
      objectsDecommissionedFailed: 0,
      bytesDecommissioned: 30,
      bytesDecommissionedFailed: 0,
    },
  });
});

test("decommission refusals: a running drain, an unknown pool, a single-pool deployment; cancel needs a running drain", async () => {
  const p = pools(3);
  const api = createAdminApi({ authenticate: allow, pools: p.admin });
  const unknown = await call(api, "POST", "/minio/admin/v3/pools/decommission?pool=nope");
  expect([unknown.status, unknown.body.Code]).toEqual([400, "XMinioAdminInvalidArgument"]);
  expect(unknown.body.Message).toContain("'nope' not found");
  expect(unknown.body.Resource).toBe("/minio/admin/v3/pools/decommission");
  expect(typeof unknown.body.RequestId).toBe("string");
  expect((await call(api, "POST", "/minio/admin/v3/pools/decommission")).body.Code).toBe("XMinioAdminInvalidArgument");
  expect((await call(api, "POST", "/minio/admin/v3/pools/decommission?pool=7&by-id=true")).body.Code).toBe("XMinioAdminInvalidArgument");
  const notRunning = await call(api, "POST", "/minio/admin/v3/pools/cancel?pool=1&by-id=true");
  expect([notRunning.status, notRunning.body.Code, notRunning.body.Message]).toEqual([400, "XMinioDecommissionNotAllowed", "decommission is not in progress"]);

  expect((await call(api, "POST", "/minio/admin/v3/pools/decommission?pool=0&by-id=true")).status).toBe(200);
  const again = await call(api, "POST", "/minio/admin/v3/pools/decommission?pool=1&by-id=true");
  expect([again.status, again.body.Code, again.body.Message]).toEqual([400, "XMinioDecommissionNotAllowed", "decommission is already in progress"]);
  expect((await call(api, "POST", "/minio/admin/v3/pools/cancel?pool=0&by-id=true")).status).toBe(200);
  expect(p.calls).toEqual(["start 0", "cancel 0"]);

  p.views[2].status = "complete";
  const done = await call(api, "POST", "/minio/admin/v3/pools/decommission?pool=2&by-id=true");
  expect(done.body.Message).toBe("decommission is complete, please remove the servers from command-line");
  expect(p.calls).toEqual(["start 0", "cancel 0"]);

  const single = createAdminApi({ authenticate: allow, pools: pools(1).admin });
  const one = await call(single, "POST", "/minio/admin/v3/pools/decommission?pool=0&by-id=true");
  expect([one.status, one.body.Code]).toEqual([501, "NotImplemented"]);
});

test("methods, unknown calls and authorization: every answer is madmin JSON, authorization comes first", async () => {
  const p = pools(2);
  let asked = 0;
  const api = createAdminApi({
    authenticate: async (req) => {
      asked++;
      if (req.headers.get("authorization") !== "ok") throw new AdminError("AccessDenied", "no");
      return ROOT;
    },
    pools: p.admin,
  });
  const denied = await call(api, "POST", "/minio/admin/v3/pools/decommission?pool=0&by-id=true");
  expect([denied.status, denied.type, denied.body.Code]).toEqual([403, "application/json", "AccessDenied"]);
  expect(p.calls).toEqual([]);
  const denied2 = await call(api, "GET", "/minio/admin/v3/add-user?accessKey=x");
  expect([denied2.status, denied2.body.Code]).toEqual([403, "AccessDenied"]);
  expect(asked).toBe(2);

  const ok = createAdminApi({ authenticate: allow, pools: p.admin });
  const wrongMethod = await call(ok, "GET", "/minio/admin/v3/pools/decommission?pool=0&by-id=true");
  expect([wrongMethod.status, wrongMethod.body.Code]).toEqual([405, "MethodNotAllowed"]);
  for (const target of ["/minio/admin/v3/add-user?accessKey=x", "/minio/admin/v3/pools/rebalance", "/minio/admin/v2/info", "/minio/admin/v3/pools/list/x"]) {
    const r = await call(ok, "GET", target);
    expect([target, r.status, r.body.Code]).toEqual([target, 501, "NotImplemented"]);
  }
  expect(p.calls).toEqual([]);
});

test("a PoolAdmin failure that is not a refusal is an InternalError, logged with its request id", async () => {
  const logged: string[] = [];
  const api = createAdminApi({
    authenticate: allow,
    pools: {
      list: async () => {
        throw new Error("disk on fire");
      },
      start: async () => {},
      cancel: async () => {},
    },
    logError: (id, err) => logged.push(`${id}: ${(err as Error).message}`),
  });
  const r = await call(api, "GET", "/minio/admin/v3/pools/list");
  expect([r.status, r.body.Code]).toEqual([500, "InternalError"]);
  expect(logged).toEqual([`${r.body.RequestId}: disk on fire`]);
});
