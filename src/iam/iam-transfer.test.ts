// IAM import checks the whole export before writing: any bad entry leaves the deployment as it was.
import { expect, test } from "bun:test";
import { isIamError } from "./iam-error.ts";
import { IamSystem } from "./iam-system.ts";
import { exportIam, importIam } from "./iam-transfer.ts";

function memory() {
  const files = new Map<string, Uint8Array>();
  return {
    files,
    read: async (n: string) => files.get(n) ?? null,
    write: async (n: string, d: Uint8Array) => void files.set(n, d),
    remove: async (n: string) => void files.delete(n),
    list: async (p: string) => [...files.keys()].filter((k) => k.startsWith(p)).sort(),
  };
}

const ROOT = { accessKey: "root", secretKey: "root-secret" };

test("a bad entry anywhere in an import writes nothing; a good one round-trips", async () => {
  const storage = memory();
  const iam = new IamSystem({ storage, root: ROOT });
  await iam.start();
  const good = {
    "policies.json": { p1: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/*"] }] } },
    "users.json": { us1: { secretKey: "us1-secret-key", status: "enabled", policy: "p1" } },
    "groups.json": { g1: { version: 1, status: "enabled", members: ["us1"] } },
    "svcaccts.json": { SA1SA1SA1: { parent: "us1", accessKey: "SA1SA1SA1", secretKey: "sa1-secret-key", status: "on", sessionPolicy: null } },
    "group_mappings.json": { g1: { version: 1, policy: "readonly" } },
  };
  for (const bad of [
    { ...good, "users.json": { us1: { secretKey: "short", status: "enabled" } } },
    { ...good, "group_mappings.json": { g1: { version: 1, policy: "no-such-policy" } } },
    { ...good, "groups.json": { g1: { version: 1, status: "enabled", members: ["ghost"] } } },
    { ...good, "policies.json": { p1: { Statement: [{ Effect: "Allow", Action: ["s3:Nope"], Resource: ["arn:aws:s3:::*"] }] } } },
    { ...good, "svcaccts.json": { SA1SA1SA1: { parent: "ghost", accessKey: "SA1SA1SA1", secretKey: "sa1-secret-key", status: "on" } } },
  ]) {
    const err = await importIam(iam, bad).catch((e: unknown) => e);
    expect(isIamError(err)).toBe(true);
    expect(storage.files.size).toBe(0);
  }
  await importIam(iam, good);
  const out = exportIam(iam);
  expect(out["users.json"]).toEqual({ us1: { secretKey: "us1-secret-key", policy: "p1", status: "enabled" } });
  expect(out["group_mappings.json"]).toEqual({ g1: { version: 1, policy: "readonly" } });
  expect(Object.keys(out["svcaccts.json"])).toEqual(["SA1SA1SA1"]);
  expect(iam.lookup("SA1SA1SA1")?.identity).toMatchObject({ kind: "service-account", parent: "us1" });
});
