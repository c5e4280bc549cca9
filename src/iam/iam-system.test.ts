// IamSystem over an in-memory storage: two servers sharing drives (a change made by one is found
// by the other even without its notification), unknown keys not re-read, expired sessions purged,
// and the decision rules for users, groups, service accounts and external identities.
import { expect, test } from "bun:test";
import { DerivedCredentials } from "./derived-credentials.ts";
import { IamAdmin } from "./iam-admin.ts";
import type { IamStorage } from "./iam-store.ts";
import { IamSystem } from "./iam-system.ts";

const ROOT = { accessKey: "root", secretKey: "root-secret" };

function memoryStorage(): IamStorage & { files: Map<string, Uint8Array>; reads: number } {
  const files = new Map<string, Uint8Array>();
  const s = {
    files,
    reads: 0,
    async read(name: string) {
      s.reads++;
      return files.get(name) ?? null;
    },
    async write(name: string, data: Uint8Array) {
      files.set(name, data);
    },
    async remove(name: string) {
      files.delete(name);
    },
    async list(prefix: string) {
      return [...files.keys()].filter((k) => k.startsWith(prefix)).sort();
    },
  };
  return s;
}

const req = (action: string, resource: string) => ({ action, resource, conditions: {} });

test("a user made on one server is found by another sharing the drives, without a notification", async () => {
  const storage = memoryStorage();
  const a = new IamSystem({ storage, root: ROOT });
  const b = new IamSystem({ storage, root: ROOT });
  await a.start();
  await b.start();
  await new IamAdmin(a).addUser("ursula", "ursula-secret");
  expect(b.lookup("ursula")).toBeNull();
  expect((await b.lookupFresh("ursula"))?.secretKey).toBe("ursula-secret");
  const before = storage.reads;
  expect(await b.lookupFresh("nobody")).toBeNull();
  const afterFirst = storage.reads;
  expect(afterFirst - before).toBe(3);
  expect(await b.lookupFresh("nobody")).toBeNull();
  expect(storage.reads).toBe(afterFirst);
});

test("groups, disabled groups, service accounts and sessions decide as their parents allow", async () => {
  let now = 1_000_000;
  const iam = new IamSystem({ storage: memoryStorage(), root: ROOT, now: () => now });
  await iam.start();
  const admin = new IamAdmin(iam);
  const derived = new DerivedCredentials(iam);
  await admin.addUser("gwen", "gwen-secret");
  await admin.updateGroupMembers("team", ["gwen"], false);
  await admin.setPolicies("team", true, ["readonly"]);
  const gwen = iam.identity("gwen")!;
  expect(iam.decide(gwen, req("s3:GetObject", "arn:aws:s3:::b/k"))).toBe("allow");
  expect(iam.decide(gwen, req("s3:PutObject", "arn:aws:s3:::b/k"))).toBe("default");
  await admin.setGroupStatus("team", "disabled");
  expect(iam.decide(gwen, req("s3:GetObject", "arn:aws:s3:::b/k"))).toBe("default");
  await admin.setGroupStatus("team", "enabled");

  const narrow = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::b/public/*"] }] });
  const session = await derived.issueTemporary("gwen", { durationSeconds: 900, policy: narrow });
  const sid = iam.identity(session.accessKey)!;
  expect(iam.decide(sid, req("s3:GetObject", "arn:aws:s3:::b/public/x"))).toBe("allow");
  // The session policy allows PutObject; the parent does not: never more than the parent.
  expect(iam.decide(sid, req("s3:PutObject", "arn:aws:s3:::b/public/x"))).toBe("default");
  expect(iam.decide(sid, req("s3:GetObject", "arn:aws:s3:::b/other"))).toBe("default");
  now += 901_000;
  expect(iam.lookup(session.accessKey)?.expired).toBe(true);
  expect(iam.decide(sid, req("s3:GetObject", "arn:aws:s3:::b/public/x"))).toBe("deny");
  await iam.reload();
  await Bun.sleep(10);
  // Within the hour after expiry it is still known (ExpiredToken); after that it is purged.
  expect(iam.lookup(session.accessKey)?.expired).toBe(true);
  now += 3_600_000;
  await iam.reload();
  await Bun.sleep(10);
  expect(iam.lookup(session.accessKey)).toBeNull();

  // A session whose claims try to say it inherits (or bring their own session policy) is still narrowed.
  const sneaky = await derived.issueTemporary("gwen", { durationSeconds: 900, policy: narrow, claims: { "sa-policy": "inherited-policy", sessionPolicy: "" } });
  expect(iam.decide(iam.identity(sneaky.accessKey)!, req("s3:GetObject", "arn:aws:s3:::b/other"))).toBe("default");

  // An external identity (e.g. LDAP): its groups' mappings and its claimed policies apply.
  const ext = await derived.issueTemporary("cn=olga,dc=example", { durationSeconds: 900, groups: ["cn=ops,dc=example"], claims: { policy: "writeonly" } });
  await iam.setMapping("groups", "cn=ops,dc=example", ["readonly"]);
  const eid = iam.identity(ext.accessKey)!;
  expect(iam.decide(eid, req("s3:GetObject", "arn:aws:s3:::b/k"))).toBe("allow");
  expect(iam.decide(eid, req("s3:PutObject", "arn:aws:s3:::b/k"))).toBe("allow");
  expect(iam.decide(eid, req("s3:DeleteObject", "arn:aws:s3:::b/k"))).toBe("default");
});
