// Access control lists, which a single-tenant store cannot honour beyond "the owner has full
// control": the canned ACLs, x-amz-grant-* headers and AccessControlPolicy bodies are parsed for
// real; what grants only the owner FULL_CONTROL is accepted, any other grant is NotImplemented
// (so nothing turns public or shared while the client believes it did), malformed ones are 400s.
import { S3Error } from "./errors.ts";
import { asArray, parseXml, xmlText } from "./xml.ts";

/** The canned ACLs AWS defines. */
const CANNED = new Set([
  "private",
  "public-read",
  "public-read-write",
  "authenticated-read",
  "aws-exec-read",
  "bucket-owner-read",
  "bucket-owner-full-control",
  "log-delivery-write",
]);
/** Canned ACLs that grant nobody but the owner (the bucket owner is the owner here). */
const OWNER_ONLY = new Set(["private", "bucket-owner-full-control"]);
const GRANT_HEADERS = ["x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp", "x-amz-grant-write-acp", "x-amz-grant-full-control"];
const PERMISSIONS = new Set(["FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP"]);

const refused = (what: string) => new S3Error("NotImplemented", `${what}: only the owner's FULL_CONTROL (the "private" ACL) is supported.`);

/** One x-amz-grant-* value: `id="…", uri="…", emailAddress="…"` → the grantees. */
function parseGrantees(header: string, value: string): { type: string; value: string }[] {
  return value.split(",").map((part) => {
    const m = /^\s*(id|uri|emailAddress)\s*=\s*(?:"([^"]*)"|([^\s"]+))\s*$/.exec(part);
    if (!m) throw new S3Error("InvalidArgument", `Invalid ${header} value "${value}".`, { fields: { ArgumentName: header, ArgumentValue: value } });
    return { type: m[1], value: m[2] ?? m[3] };
  });
}

/**
 * The ACL headers of a request (CreateBucket, PutObject, CopyObject, CreateMultipartUpload,
 * Put*Acl, POST forms). Returns whether any was given; throws for what we cannot honour.
 */
export function checkAclHeaders(h: Headers, ownerId: string): boolean {
  const canned = h.get("x-amz-acl");
  const grants = GRANT_HEADERS.filter((n) => h.has(n));
  if (canned === null && grants.length === 0) return false;
  if (canned !== null && grants.length > 0) throw new S3Error("InvalidRequest", "Specifying both Canned ACLs and Header Grants is not allowed");
  if (canned !== null) {
    if (!CANNED.has(canned))
      throw new S3Error("InvalidArgument", `Invalid canned ACL "${canned}".`, { fields: { ArgumentName: "x-amz-acl", ArgumentValue: canned } });
    if (!OWNER_ONLY.has(canned)) throw refused(`The canned ACL "${canned}"`);
    return true;
  }
  for (const name of grants) {
    const grantees = parseGrantees(name, h.get(name)!);
    if (name !== "x-amz-grant-full-control" || grantees.some((g) => g.type !== "id" || g.value !== ownerId)) throw refused(`The grant ${name}: ${h.get(name)}`);
  }
  return true;
}

const malformedAcl = (detail: string) =>
  new S3Error("MalformedACLError", `The ACL you provided was not well-formed or did not validate against our published schema: ${detail}`);

/**
 * An AccessControlPolicy body: accepted when every grant gives FULL_CONTROL to the owner's
 * canonical id (and the owner, if named, is the owner); other grants are NotImplemented.
 */
export function checkAclBody(body: Uint8Array, ownerId: string): void {
  let doc: Record<string, unknown>;
  try {
    doc = parseXml(body, { maxBytes: 64 * 1024, arrays: ["Grant"] });
  } catch (err) {
    throw err instanceof S3Error ? malformedAcl(err.message.replace(/^.*?schema: /, "")) : err;
  }
  const policy = doc.AccessControlPolicy as Record<string, unknown> | undefined;
  if (!policy || typeof policy !== "object") throw malformedAcl("the root element must be AccessControlPolicy");
  const list = policy.AccessControlList as Record<string, unknown> | undefined;
  if (list === undefined) throw malformedAcl("AccessControlList is missing");
  const owner = policy.Owner as Record<string, unknown> | undefined;
  if (owner !== undefined) {
    const id = xmlText((owner as Record<string, unknown>).ID);
    if (id === undefined) throw malformedAcl("Owner needs an ID");
    if (id !== ownerId) throw refused(`Changing the owner to "${id}"`);
  }
  const grants = asArray((typeof list === "object" ? list.Grant : undefined) as Record<string, unknown>[] | undefined);
  if (grants.length === 0) throw refused("An ACL without grants");
  for (const g of grants) {
    const permission = xmlText(g.Permission);
    const grantee = g.Grantee as Record<string, unknown> | undefined;
    if (permission === undefined || !PERMISSIONS.has(permission)) throw malformedAcl(`invalid Permission "${permission ?? ""}"`);
    if (!grantee || typeof grantee !== "object") throw malformedAcl("every Grant needs a Grantee");
    const type = xmlText(grantee["@type"]);
    if (type !== undefined && !["CanonicalUser", "Group", "AmazonCustomerByEmail"].includes(type)) throw malformedAcl(`invalid Grantee type "${type}"`);
    const id = xmlText(grantee.ID);
    const what = id ?? xmlText(grantee.URI) ?? xmlText(grantee.EmailAddress) ?? "an unnamed grantee";
    if (permission !== "FULL_CONTROL" || id !== ownerId || (type !== undefined && type !== "CanonicalUser"))
      throw refused(`The grant of ${permission} to ${what}`);
  }
}
