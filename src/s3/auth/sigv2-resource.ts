// The SigV2 CanonicalizedResource: "/bucket" (virtual-hosted) + path + the signed sub-resources.
// V2 clients disagree on which query parameters are sub-resources and on how an empty value is
// written, so a request is checked against each known client family's rule (see SIGNERS).
import { canonicalUri, percentDecodeBytes } from "./canonical.ts";

/** One client family's way of building the sub-resource suffix. */
interface SubresourceRule {
  /** The parameter names it signs; every other parameter is left out of the signature. */
  readonly names: ReadonlySet<string>;
  /**
   * "bare": an empty value is signed as the name alone ("?uploads" for "?uploads=", as the AWS
   * page says: "its value if it has one"); "as-sent": "name=" stays "name=" (botocore, boto).
   */
  readonly emptyValue: "bare" | "as-sent";
  /** Only the first value of a repeated name is signed (minio-go reads url.Values[name][0]). */
  readonly firstOnly: boolean;
  /** "+" in a value means space (Go's url.ParseQuery); Python's unquote leaves it. */
  readonly plusAsSpace: boolean;
}

const RESPONSE_OVERRIDES = [
  "response-cache-control",
  "response-content-disposition",
  "response-content-encoding",
  "response-content-language",
  "response-content-type",
  "response-expires",
];

/**
 * The rules of the V2 signers in use: botocore/boto3 and boto (`HmacV1Auth.QSAOfInterest`),
 * minio-go v7 (`resourceList`, also what MinIO's server signs) and s3cmd
 * (`SUBRESOURCES_TO_INCLUDE`). Each is exactly what that client signs; a request whose
 * sub-resources all appear in every list yields one and the same suffix for all of them.
 */
export const SIGNERS: readonly SubresourceRule[] = [
  {
    names: new Set([
      "accelerate",
      "acl",
      "analytics",
      "cors",
      "defaultObjectAcl",
      "delete",
      "inventory",
      "lifecycle",
      "location",
      "logging",
      "metrics",
      "notification",
      "object-lock",
      "partNumber",
      "policy",
      "replication",
      "requestPayment",
      "restore",
      "select",
      "select-type",
      "storageClass",
      "tagging",
      "torrent",
      "uploadId",
      "uploads",
      "versionId",
      "versioning",
      "versions",
      "website",
      ...RESPONSE_OVERRIDES,
    ]),
    emptyValue: "as-sent",
    firstOnly: false,
    plusAsSpace: false,
  },
  {
    names: new Set([
      "acl",
      "cors",
      "delete",
      "encryption",
      "legal-hold",
      "lifecycle",
      "location",
      "logging",
      "notification",
      "partNumber",
      "policy",
      "replication",
      "requestPayment",
      "retention",
      "select",
      "select-type",
      "tagging",
      "torrent",
      "uploadId",
      "uploads",
      "versionId",
      "versioning",
      "versions",
      "website",
      ...RESPONSE_OVERRIDES,
    ]),
    emptyValue: "bare",
    firstOnly: true,
    plusAsSpace: true,
  },
  {
    names: new Set([
      "acl",
      "cors",
      "delete",
      "lifecycle",
      "location",
      "logging",
      "notification",
      "partNumber",
      "policy",
      "requestPayment",
      "restore",
      "torrent",
      "uploadId",
      "uploads",
      "versionId",
      "versioning",
      "versions",
      "website",
    ]),
    emptyValue: "bare",
    firstOnly: true,
    plusAsSpace: false,
  },
];

function decode(text: string, plusAsSpace: boolean): string {
  return Buffer.from(percentDecodeBytes(text, plusAsSpace)).toString("utf8");
}

/** The "?sub&sub=value" suffix one rule signs: names sorted (stably), values decoded. */
export function subresourceSuffix(search: string, rule: SubresourceRule = SIGNERS[1]): string {
  const q = search.startsWith("?") ? search.slice(1) : search;
  const picked: string[][] = [];
  const seen = new Set<string>();
  for (const piece of q.split("&")) {
    if (piece === "") continue;
    const eq = piece.indexOf("=");
    const name = decode(eq === -1 ? piece : piece.slice(0, eq), rule.plusAsSpace);
    if (!rule.names.has(name) || (rule.firstOnly && seen.has(name))) continue;
    seen.add(name);
    const value = eq === -1 ? undefined : decode(piece.slice(eq + 1), rule.plusAsSpace);
    const bare = value === undefined || (value === "" && rule.emptyValue === "bare");
    picked.push([name, bare ? name : `${name}=${value}`]);
  }
  if (picked.length === 0) return "";
  picked.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return "?" + picked.map((p) => p[1]).join("&");
}

/**
 * The path spellings a client may have signed: as received, re-encoded the AWS way (minio-go's
 * EncodePath) and decoded. A bucket-level resource also in its other form, "/bucket" or
 * "/bucket/": the AWS page signs "/bucket/" for a virtual-hosted bucket, botocore signs
 * "/bucket/" while it sends "/bucket", minio-go signs what it sends; both name the bucket alone.
 */
function pathCandidates(url: URL, vhBucket: string | undefined): Set<string> {
  const prefix = vhBucket ? `/${vhBucket}` : "";
  const raw = url.pathname === "" ? "/" : url.pathname;
  const decoded = Buffer.from(percentDecodeBytes(raw)).toString("utf8");
  const out = new Set<string>();
  for (const p of [raw, canonicalUri(raw), decoded]) {
    const full = prefix + p;
    out.add(full);
    if (/^\/[^/]+$/.test(full)) out.add(`${full}/`);
    else if (/^\/[^/]+\/$/.test(full)) out.add(full.slice(0, -1));
  }
  return out;
}

/**
 * Every resource a known client could have signed for this request: each path spelling with
 * each rule's sub-resource suffix. Usually one to three distinct strings.
 */
export function resourceCandidates(url: URL, vhBucket: string | undefined): string[] {
  const suffixes = new Set(SIGNERS.map((rule) => subresourceSuffix(url.search, rule)));
  const out = new Set<string>();
  for (const p of pathCandidates(url, vhBucket)) for (const s of suffixes) out.add(p + s);
  return [...out];
}
