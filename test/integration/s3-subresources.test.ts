// Sub-resources and ACLs: a request naming an S3 or MinIO sub-resource we do not serve is
// NotImplemented on every method (never a ListObjects, PutObject or DeleteObject in disguise),
// while ordinary unknown parameters are ignored as AWS ignores them. ACL headers and bodies are
// parsed: owner-only grants pass, any other grant is NotImplemented, malformed ones are 400s.
import { describe, expect, test } from "bun:test";
import { errorOf, type RawRequest } from "../support/s3-harness.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";
import { OWNER } from "../../src/s3/request-helpers.ts";

const B = "subres";

const { h } = useS3Bucket(null, {
  setup: async () => {
    expect((await h.signed({ method: "PUT", path: `/${B}` })).status).toBe(200);
    expect((await h.signed({ method: "PUT", path: `/${B}/obj`, body: "original" })).status).toBe(200);
  },
});

async function expectError(r: RawRequest, status: number, code: string): Promise<void> {
  const err = await errorOf(await h.signed(r));
  expect({ what: `${r.method ?? "GET"} ${r.path}?${Object.keys(r.query ?? {}).join("&")}`, status: err.status, code: err.code }).toEqual({
    what: `${r.method ?? "GET"} ${r.path}?${Object.keys(r.query ?? {}).join("&")}`,
    status,
    code,
  });
}

const objectText = async (key: string) => {
  const res = await h.signed({ path: `/${B}/${key}` });
  return res.status === 200 ? res.text() : `missing (${res.status})`;
};

describe("sub-resources", () => {
  test("GET on a bucket with an unserved sub-resource is NotImplemented, not a listing", async () => {
    for (const sub of [
      "events",
      "analytics",
      "inventory",
      "metrics",
      "intelligent-tiering",
      "ownershipControls",
      "publicAccessBlock",
      "metadataTable",
      "replication-metrics",
      "session",
    ]) {
      await expectError({ path: `/${B}`, query: { [sub]: "" } }, 501, "NotImplemented");
    }
    await expectError({ path: `/${B}`, query: { events: "", prefix: "", suffix: "" } }, 501, "NotImplemented");
  });

  test("PUT on an object with an unserved sub-resource stores nothing", async () => {
    for (const sub of ["restore", "select", "torrent", "renameObject", "versions", "lifecycle", "cors"]) {
      await expectError({ method: "PUT", path: `/${B}/put-${sub}`, query: { [sub]: "" }, body: "payload" }, 501, "NotImplemented");
      expect(await objectText(`put-${sub}`)).toBe("missing (404)");
    }
  });

  test("DELETE / HEAD / POST with an unserved sub-resource touch nothing", async () => {
    for (const sub of ["acl", "retention", "restore", "versions"]) {
      await expectError({ method: "DELETE", path: `/${B}/obj`, query: { [sub]: "" } }, 501, "NotImplemented");
    }
    expect(await objectText("obj")).toBe("original");
    // (encryption is served: test/integration/sse.test.ts)
    for (const sub of ["cors", "lifecycle", "website", "replication", "acl"]) {
      await expectError({ method: "DELETE", path: `/${B}`, query: { [sub]: "" } }, 501, "NotImplemented");
      if (sub !== "acl") await expectError({ method: "PUT", path: `/${B}`, query: { [sub]: "" }, body: "<x/>" }, 501, "NotImplemented");
    }
    expect((await h.signed({ method: "HEAD", path: `/${B}` })).status).toBe(200);
    expect((await h.signed({ method: "HEAD", path: `/${B}/obj`, query: { torrent: "" } })).status).toBe(501);
    await expectError({ method: "POST", path: `/${B}/obj`, query: { restore: "" }, body: "<RestoreRequest/>" }, 501, "NotImplemented");
    await expectError({ path: `/${B}/obj`, query: { uploads: "" } }, 501, "NotImplemented");
    await expectError({ path: "/", query: { acl: "" } }, 501, "NotImplemented");
  });

  test("ordinary unknown parameters are ignored, as AWS ignores them", async () => {
    expect(await (await h.signed({ path: `/${B}/obj`, query: { t: "123" } })).text()).toBe("original");
    expect((await h.signed({ method: "PUT", path: `/${B}/busted`, query: { t: "1" }, body: "ok" })).status).toBe(200);
    expect(await objectText("busted")).toBe("ok");
    expect((await h.signed({ method: "PUT", path: "/subres-other", query: { t: "1" } })).status).toBe(200);
    expect((await h.signed({ path: `/${B}`, query: { t: "1" } })).status).toBe(200);
  });
});

const grantee = (id: string) => `<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>${id}</ID></Grantee>`;
const acp = (grants: string, owner = OWNER.ID) =>
  `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>${owner}</ID></Owner><AccessControlList>${grants}</AccessControlList></AccessControlPolicy>`;
const ownerFull = `<Grant>${grantee(OWNER.ID)}<Permission>FULL_CONTROL</Permission></Grant>`;
const allUsersRead =
  '<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>';

describe("ACLs", () => {
  test("PutBucketAcl / PutObjectAcl bodies: owner-only accepted, other grants NotImplemented, malformed MalformedACLError", async () => {
    for (const path of [`/${B}`, `/${B}/obj`]) {
      expect((await h.signed({ method: "PUT", path, query: { acl: "" }, body: acp(ownerFull) })).status).toBe(200);
      await expectError({ method: "PUT", path, query: { acl: "" }, body: acp(ownerFull + allUsersRead) }, 501, "NotImplemented");
      await expectError(
        { method: "PUT", path, query: { acl: "" }, body: acp(`<Grant>${grantee("someone-else")}<Permission>FULL_CONTROL</Permission></Grant>`) },
        501,
        "NotImplemented",
      );
      await expectError(
        { method: "PUT", path, query: { acl: "" }, body: acp(`<Grant>${grantee(OWNER.ID)}<Permission>READ</Permission></Grant>`) },
        501,
        "NotImplemented",
      );
      await expectError({ method: "PUT", path, query: { acl: "" }, body: acp(ownerFull, "another-owner") }, 501, "NotImplemented");
      await expectError({ method: "PUT", path, query: { acl: "" }, body: "<AccessControlPolicy>FULL_CONTROL" }, 400, "MalformedACLError");
      await expectError({ method: "PUT", path, query: { acl: "" }, body: "<Nope>FULL_CONTROL</Nope>" }, 400, "MalformedACLError");
      await expectError(
        { method: "PUT", path, query: { acl: "" }, body: acp(`<Grant>${grantee(OWNER.ID)}<Permission>EVERYTHING</Permission></Grant>`) },
        400,
        "MalformedACLError",
      );
      await expectError({ method: "PUT", path, query: { acl: "" } }, 400, "MissingSecurityHeader");
      await expectError({ method: "PUT", path, query: { acl: "" }, headers: { "x-amz-acl": "private" }, body: acp(ownerFull) }, 400, "UnexpectedContent");
    }
  });

  test("ACL headers on Put*Acl: private and the owner's full control pass, the rest is refused", async () => {
    const put = (headers: Record<string, string>) => ({ method: "PUT", path: `/${B}`, query: { acl: "" }, headers });
    expect((await h.signed(put({ "x-amz-acl": "private" }))).status).toBe(200);
    expect((await h.signed(put({ "x-amz-grant-full-control": `id="${OWNER.ID}"` }))).status).toBe(200);
    await expectError(put({ "x-amz-acl": "public-read" }), 501, "NotImplemented");
    await expectError(put({ "x-amz-acl": "world-readable" }), 400, "InvalidArgument");
    await expectError(put({ "x-amz-grant-read": 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' }), 501, "NotImplemented");
    await expectError(put({ "x-amz-grant-full-control": `id="${OWNER.ID}", emailAddress="x@example.com"` }), 501, "NotImplemented");
    await expectError(put({ "x-amz-grant-full-control": "nonsense" }), 400, "InvalidArgument");
    await expectError(put({ "x-amz-acl": "private", "x-amz-grant-read": `id="${OWNER.ID}"` }), 400, "InvalidRequest");
  });

  test("a write asking for a public or shared ACL is refused and stores nothing", async () => {
    await expectError({ method: "PUT", path: `/${B}/public`, headers: { "x-amz-acl": "public-read" }, body: "x" }, 501, "NotImplemented");
    await expectError(
      {
        method: "PUT",
        path: `/${B}/public`,
        headers: { "x-amz-grant-read": 'uri="http://acs.amazonaws.com/groups/global/AllUsers"', "x-amz-copy-source": `/${B}/obj` },
      },
      501,
      "NotImplemented",
    );
    await expectError({ method: "POST", path: `/${B}/public`, query: { uploads: "" }, headers: { "x-amz-acl": "public-read-write" } }, 501, "NotImplemented");
    expect(await objectText("public")).toBe("missing (404)");
    expect(await (await h.signed({ path: `/${B}`, query: { uploads: "" } })).text()).not.toContain("<Upload>");
    await expectError({ method: "PUT", path: "/public-bucket", headers: { "x-amz-acl": "public-read" } }, 501, "NotImplemented");
    expect((await h.signed({ method: "HEAD", path: "/public-bucket" })).status).toBe(404);
    expect((await h.signed({ method: "PUT", path: `/${B}/private`, headers: { "x-amz-acl": "private" }, body: "x" })).status).toBe(200);
    expect((await h.signed({ method: "PUT", path: `/${B}/owned`, headers: { "x-amz-acl": "bucket-owner-full-control" }, body: "x" })).status).toBe(200);
  });
});
