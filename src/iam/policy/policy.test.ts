// Bucket policies: an allow/deny/default table, every condition operator, validation errors,
// and the operation → action table.
import { describe, expect, test } from "bun:test";
import { PolicyError } from "./policy-error.ts";
import { actionsFor, resourceArn } from "./actions.ts";
import { evaluateClause, ipInCidr, parseIp, wildcardMatch, type ConditionClause } from "./conditions.ts";
import { evaluate, evaluateCheck, type PolicyRequest } from "./evaluate.ts";
import { parsePolicy } from "./policy.ts";

const B = "photos";
const obj = (key: string) => resourceArn(B, key);

function policy(...statements: object[]) {
  return parsePolicy(JSON.stringify({ Version: "2012-10-17", Statement: statements }), { bucket: B });
}

function malformed(doc: unknown, bucket = B): string {
  try {
    parsePolicy(typeof doc === "string" ? doc : JSON.stringify(doc), { bucket });
    return "accepted";
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    expect((e as PolicyError).kind).toBe("MalformedPolicy");
    return (e as PolicyError).message;
  }
}

// mc's "download" (public read) policy.
const PUBLIC_READ = policy(
  { Effect: "Allow", Principal: { AWS: ["*"] }, Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: [`arn:aws:s3:::${B}`] },
  { Effect: "Allow", Principal: { AWS: ["*"] }, Action: ["s3:GetObject"], Resource: [`arn:aws:s3:::${B}/*`] },
);

const MIXED = policy(
  { Sid: "ReadAll", Effect: "Allow", Principal: "*", Action: "s3:Get*", Resource: `arn:aws:s3:::${B}/*` },
  { Sid: "NoSecrets", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: `arn:aws:s3:::${B}/secret/*` },
  {
    Sid: "AliceWrites",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::123456789012:user/alice" },
    Action: "s3:PutObject",
    Resource: `arn:aws:s3:::${B}/uploads/${"${aws:username}"}/*`,
  },
  { Sid: "BobAllButDelete", Effect: "Allow", Principal: { AWS: ["bob"] }, NotAction: ["s3:Delete*"], Resource: [`arn:aws:s3:::${B}`, `arn:aws:s3:::${B}/*`] },
  {
    Sid: "OnlyFromOffice",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: `arn:aws:s3:::${B}/*`,
    Condition: { NotIpAddress: { "aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"] } },
  },
  {
    Sid: "ListWithPrefix",
    Effect: "Allow",
    Principal: "*",
    Action: "s3:ListBucket",
    Resource: `arn:aws:s3:::${B}`,
    Condition: { StringLike: { "s3:prefix": ["public/*", ""] } },
  },
  {
    Sid: "TlsOnlyVersions",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:ListBucketVersions",
    Resource: `arn:aws:s3:::${B}`,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  },
  { Sid: "NotThisKey", Effect: "Allow", Principal: { AWS: "carol" }, Action: "s3:DeleteObject", NotResource: `arn:aws:s3:::${B}/keep/*` },
);

type Row = [string, PolicyRequest, "allow" | "deny" | "default"];
const office = { "aws:SourceIp": ["10.1.2.3"] };

const ROWS: Row[] = [
  ["public read: anonymous GetObject", { principal: "*", action: "s3:GetObject", resource: obj("a.jpg") }, "allow"],
  ["public read: anonymous ListBucket", { principal: "*", action: "s3:ListBucket", resource: resourceArn(B) }, "allow"],
  ["public read: anonymous PutObject is not granted", { principal: "*", action: "s3:PutObject", resource: obj("a.jpg") }, "default"],
  ["public read: other bucket", { principal: "*", action: "s3:GetObject", resource: resourceArn("other", "a") }, "default"],
  ["public read: action names are case-insensitive", { principal: "*", action: "S3:GETOBJECT", resource: obj("x") }, "allow"],
];

const MIXED_ROWS: Row[] = [
  ["wildcard action s3:Get* allows GetObjectTagging", { principal: "*", action: "s3:GetObjectTagging", resource: obj("a") }, "allow"],
  ["explicit deny beats allow", { principal: "*", action: "s3:GetObject", resource: obj("secret/x") }, "deny"],
  ["deny also covers named principals", { principal: "bob", action: "s3:GetObject", resource: obj("secret/x") }, "deny"],
  ["resource wildcard does not match the bucket itself", { principal: "*", action: "s3:GetObject", resource: resourceArn(B) }, "default"],
  ["resources are case-sensitive", { principal: "*", action: "s3:GetObject", resource: obj("SECRET/x") }, "allow"],
  [
    "policy variable ${aws:username} resolves",
    { principal: "alice", action: "s3:PutObject", resource: obj("uploads/alice/f"), conditions: { ...office, "aws:username": ["alice"] } },
    "allow",
  ],
  [
    "policy variable: someone else's folder",
    { principal: "alice", action: "s3:PutObject", resource: obj("uploads/bob/f"), conditions: { ...office, "aws:username": ["alice"] } },
    "default",
  ],
  [
    "policy variable: unresolved matches nothing",
    { principal: "alice", action: "s3:PutObject", resource: obj("uploads/alice/f"), conditions: office },
    "default",
  ],
  [
    "NotIpAddress deny: outside the office",
    { principal: "alice", action: "s3:PutObject", resource: obj("uploads/alice/f"), conditions: { "aws:SourceIp": ["192.0.2.1"], "aws:username": ["alice"] } },
    "deny",
  ],
  [
    "NotIpAddress deny: IPv6 inside the office block",
    { principal: "bob", action: "s3:PutObject", resource: obj("x"), conditions: { "aws:SourceIp": ["2001:db8::1"] } },
    "allow",
  ],
  ["NotIpAddress with the key absent denies (negated operator)", { principal: "bob", action: "s3:PutObject", resource: obj("x") }, "deny"],
  ["NotAction: bob may do anything but delete", { principal: "bob", action: "s3:PutObjectTagging", resource: obj("x") }, "allow"],
  ["NotAction: bob may not delete", { principal: "bob", action: "s3:DeleteObject", resource: obj("x") }, "default"],
  ["anonymous does not match a named principal", { principal: "*", action: "s3:PutObjectTagging", resource: obj("x") }, "default"],
  [
    "StringLike on s3:prefix: allowed prefix",
    { principal: "*", action: "s3:ListBucket", resource: resourceArn(B), conditions: { "s3:prefix": ["public/2024/"] } },
    "allow",
  ],
  [
    "StringLike on s3:prefix: empty prefix listed explicitly",
    { principal: "*", action: "s3:ListBucket", resource: resourceArn(B), conditions: { "s3:prefix": [""] } },
    "allow",
  ],
  [
    "StringLike on s3:prefix: other prefix",
    { principal: "*", action: "s3:ListBucket", resource: resourceArn(B), conditions: { "s3:prefix": ["private/"] } },
    "default",
  ],
  ["StringLike with the key absent does not match", { principal: "*", action: "s3:ListBucket", resource: resourceArn(B) }, "default"],
  [
    "condition key names are case-insensitive",
    { principal: "*", action: "s3:ListBucket", resource: resourceArn(B), conditions: { "S3:Prefix": ["public/x"] } },
    "allow",
  ],
  [
    "Bool deny over plain HTTP",
    { principal: "bob", action: "s3:ListBucketVersions", resource: resourceArn(B), conditions: { "aws:SecureTransport": ["false"] } },
    "deny",
  ],
  [
    "Bool: over TLS the deny does not apply",
    { principal: "bob", action: "s3:ListBucketVersions", resource: resourceArn(B), conditions: { "aws:SecureTransport": ["true"] } },
    "allow",
  ],
  ["NotResource: carol may delete outside keep/", { principal: "carol", action: "s3:DeleteObject", resource: obj("tmp/x") }, "allow"],
  ["NotResource: carol may not delete in keep/", { principal: "carol", action: "s3:DeleteObject", resource: obj("keep/x") }, "default"],
];

describe("evaluate", () => {
  test.each(ROWS)("%s", (_, req, want) => expect(evaluate(PUBLIC_READ, req)).toBe(want));
  test.each(MIXED_ROWS)("%s", (_, req, want) => expect(evaluate(MIXED, req)).toBe(want));

  test("version 2008-10-17 treats ${…} literally", () => {
    const p = parsePolicy(
      JSON.stringify({ Version: "2008-10-17", Statement: { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/\${x}` } }),
    );
    expect(evaluate(p, { principal: "*", action: "s3:GetObject", resource: obj("${x}"), conditions: { x: ["y"] } })).toBe("allow");
  });

  test("NotPrincipal applies to everyone else", () => {
    const p = policy({ Effect: "Deny", NotPrincipal: { AWS: ["admin"] }, Action: "s3:DeleteBucket", Resource: `arn:aws:s3:::${B}` });
    expect(evaluate(p, { principal: "admin", action: "s3:DeleteBucket", resource: resourceArn(B) })).toBe("default");
    expect(evaluate(p, { principal: "eve", action: "s3:DeleteBucket", resource: resourceArn(B) })).toBe("deny");
    expect(evaluate(p, { principal: "*", action: "s3:DeleteBucket", resource: resourceArn(B) })).toBe("deny");
  });

  test("evaluateCheck: any/all modes and deny precedence", () => {
    const p = policy(
      { Effect: "Allow", Principal: "*", Action: ["s3:GetObject", "s3:DeleteObject"], Resource: `arn:aws:s3:::${B}/*` },
      { Effect: "Deny", Principal: "*", Action: "s3:GetObjectVersion", Resource: `arn:aws:s3:::${B}/old/*` },
    );
    const req = { principal: "*", resource: obj("x") };
    expect(evaluateCheck(p, actionsFor("GetObject", { versionId: true }), req)).toBe("allow");
    expect(evaluateCheck(p, actionsFor("GetObject", { versionId: true }), { ...req, resource: obj("old/x") })).toBe("deny");
    expect(evaluateCheck(p, actionsFor("DeleteObject", { versionId: true }), req)).toBe("default");
    expect(evaluateCheck(p, actionsFor("DeleteObject"), req)).toBe("allow");
  });

  test("GetObjectAttributes needs s3:GetObjectAttributes; for a version s3:GetObjectVersionAttributes serves too", () => {
    expect(actionsFor("GetObjectAttributes")).toEqual({ actions: ["s3:GetObjectAttributes"], mode: "all" });
    const versionOnly = policy({ Effect: "Allow", Principal: "*", Action: "s3:GetObjectVersionAttributes", Resource: `arn:aws:s3:::${B}/*` });
    const req = { principal: "*", resource: obj("x") };
    expect(evaluateCheck(versionOnly, actionsFor("GetObjectAttributes", { versionId: true }), req)).toBe("allow");
    expect(evaluateCheck(versionOnly, actionsFor("GetObjectAttributes"), req)).toBe("default");
  });
});

describe("condition operators", () => {
  const clause = (raw: string, key: string, values: string[]): ConditionClause => {
    const p = parsePolicy(
      JSON.stringify({ Statement: { Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::b", Condition: { [raw]: { [key]: values } } } }),
    );
    return p.statements[0].conditions[0];
  };
  const ev = (raw: string, values: string[], req: string[] | undefined) => evaluateClause(clause(raw, "k", values), req ? { k: req } : {});

  test.each([
    ["StringEquals", ["a"], ["a"], true],
    ["StringEquals", ["a"], ["A"], false],
    ["StringEquals", ["a"], undefined, false],
    ["StringNotEquals", ["a", "b"], ["c"], true],
    ["StringNotEquals", ["a", "b"], ["b"], false],
    ["StringNotEquals", ["a"], undefined, true],
    ["StringEqualsIgnoreCase", ["abc"], ["ABC"], true],
    ["StringNotEqualsIgnoreCase", ["abc"], ["ABC"], false],
    ["StringLike", ["a*c?"], ["abbbcd"], true],
    ["StringLike", ["a*c?"], ["abc"], false],
    ["StringNotLike", ["x*"], ["abc"], true],
    ["StringEqualsIfExists", ["a"], undefined, true],
    ["StringEqualsIfExists", ["a"], ["b"], false],
    ["NumericLessThan", ["10"], ["9"], true],
    ["NumericLessThan", ["10"], ["10"], false],
    ["NumericLessThanEquals", ["10"], ["10"], true],
    ["NumericGreaterThan", ["10"], ["11"], true],
    ["NumericGreaterThanEquals", ["10"], ["9"], false],
    ["NumericEquals", ["1000"], ["1e3"], true],
    ["NumericNotEquals", ["5"], ["5"], false],
    ["NumericEquals", ["5"], ["five"], false],
    ["DateLessThan", ["2024-01-01T00:00:00Z"], ["2023-12-31T23:59:59Z"], true],
    ["DateGreaterThan", ["2024-01-01T00:00:00Z"], ["1704067201"], true],
    ["DateEquals", ["2024-01-01T00:00:00Z"], ["1704067200"], true],
    ["DateNotEquals", ["2024-01-01T00:00:00Z"], ["1704067200"], false],
    ["Bool", ["true"], ["TRUE"], true],
    ["Bool", ["true"], ["false"], false],
    ["IpAddress", ["192.168.0.0/16"], ["192.168.44.1"], true],
    ["IpAddress", ["192.168.0.0/16"], ["192.169.0.1"], false],
    ["IpAddress", ["203.0.113.5"], ["203.0.113.5"], true],
    ["IpAddress", ["10.0.0.0/8"], ["::ffff:10.9.8.7"], true],
    ["NotIpAddress", ["10.0.0.0/8"], ["11.0.0.1"], true],
    ["ArnLike", ["arn:aws:iam::*:user/a*"], ["arn:aws:iam::123:user/alice"], true],
    ["ArnEquals", ["arn:aws:iam::1:user/a"], ["arn:aws:iam::1:user/b"], false],
    ["ArnNotLike", ["arn:aws:s3:::x*"], ["arn:aws:s3:::y"], true],
    ["Null", ["true"], undefined, true],
    ["Null", ["true"], ["v"], false],
    ["Null", ["false"], ["v"], true],
    ["BinaryEquals", ["QmluYXJ5"], ["QmluYXJ5"], true],
  ] as [string, string[], string[] | undefined, boolean][])("%s %j vs %j → %s", (raw, values, req, want) => {
    expect(ev(raw, values, req)).toBe(want);
  });

  test("set qualifiers", () => {
    expect(ev("ForAnyValue:StringEquals", ["a", "b"], ["x", "b"])).toBe(true);
    expect(ev("ForAnyValue:StringEquals", ["a"], ["x", "y"])).toBe(false);
    expect(ev("ForAnyValue:StringEquals", ["a"], undefined)).toBe(false);
    expect(ev("ForAllValues:StringEquals", ["a", "b"], ["a", "b"])).toBe(true);
    expect(ev("ForAllValues:StringEquals", ["a", "b"], ["a", "c"])).toBe(false);
    expect(ev("ForAllValues:StringEquals", ["a"], undefined)).toBe(true);
    expect(ev("ForAllValues:StringNotLike", ["tmp*"], ["a", "b"])).toBe(true);
    expect(ev("ForAnyValue:StringNotEquals", ["a"], ["a", "b"])).toBe(true);
  });

  test("helpers", () => {
    expect(wildcardMatch("a*b*c", "a/x/b/y/c")).toBe(true);
    expect(wildcardMatch("a?c", "abbc")).toBe(false);
    expect(wildcardMatch("*", "")).toBe(true);
    expect(parseIp("2001:db8::ffff:1.2.3.4")?.v6).toBe(true);
    expect(parseIp("1.2.3.256")).toBeUndefined();
    expect(parseIp("1::2::3")).toBeUndefined();
    expect(ipInCidr("2001:db8:1::5", "2001:db8::/32")).toBe(true);
    expect(ipInCidr("10.0.0.1", "2001:db8::/32")).toBe(false);
    expect(ipInCidr("10.0.0.1", "0.0.0.0/0")).toBe(true);
  });
});

describe("parsePolicy validation", () => {
  const ok = { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/*` };

  test("accepts a single statement object, both versions, and no Version", () => {
    expect(malformed({ Version: "2012-10-17", Statement: ok })).toBe("accepted");
    expect(malformed({ Version: "2008-10-17", Statement: [ok] })).toBe("accepted");
    expect(malformed({ Statement: [ok] })).toBe("accepted");
  });

  test.each([
    ["not JSON", "{", /valid JSON/],
    ["not an object", [], /JSON object/],
    ["bad version", { Version: "2020-01-01", Statement: [ok] }, /version/],
    ["unknown top-level field", { Statement: [ok], Extra: 1 }, /Unknown field/],
    ["empty statement", { Statement: [] }, /Statement is empty/],
    ["bad effect", { Statement: [{ ...ok, Effect: "Maybe" }] }, /Effect/],
    ["missing principal", { Statement: [{ ...ok, Principal: undefined }] }, /Principal/],
    ["service principal", { Statement: [{ ...ok, Principal: { Service: "x" } }] }, /principal/],
    ["both Action and NotAction", { Statement: [{ ...ok, NotAction: "s3:PutObject" }] }, /exactly one of Action/],
    ["unknown action", { Statement: [{ ...ok, Action: "s3:Frobnicate" }] }, /invalid action/],
    ["non-s3 action", { Statement: [{ ...ok, Action: "ec2:RunInstances" }] }, /invalid action/],
    ["empty action list", { Statement: [{ ...ok, Action: [] }] }, /non-empty/],
    ["resource of another bucket", { Statement: [{ ...ok, Resource: "arn:aws:s3:::other/*" }] }, /does not name bucket/],
    ["resource not an s3 ARN", { Statement: [{ ...ok, Resource: "*" }] }, /invalid resource/],
    ["object action on a bucket resource", { Statement: [{ ...ok, Resource: `arn:aws:s3:::${B}` }] }, /does not apply/],
    ["bucket action on an object resource", { Statement: [{ ...ok, Action: "s3:ListBucket" }] }, /does not apply/],
    ["unknown condition operator", { Statement: [{ ...ok, Condition: { StringMaybe: { k: "v" } } }] }, /Unknown condition operator/],
    ["Null with IfExists", { Statement: [{ ...ok, Condition: { NullIfExists: { k: "true" } } }] }, /Unknown condition operator/],
    ["bad CIDR", { Statement: [{ ...ok, Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/33" } } }] }, /CIDR/],
    ["bad number", { Statement: [{ ...ok, Condition: { NumericLessThan: { "s3:max-keys": "ten" } } }] }, /number/],
    ["bad date", { Statement: [{ ...ok, Condition: { DateLessThan: { "aws:CurrentTime": "soon" } } }] }, /date/],
    ["object condition values", { Statement: [{ ...ok, Condition: { StringEquals: { k: { a: 1 } } } }] }, /string, number or boolean/],
    [
      "duplicate Sid",
      {
        Statement: [
          { ...ok, Sid: "a" },
          { ...ok, Sid: "a" },
        ],
      },
      /unique/,
    ],
    ["unknown statement field", { Statement: [{ ...ok, Principals: "*" }] }, /Unknown field/],
  ])("%s → MalformedPolicy", (_, doc, message) => {
    expect(malformed(doc)).toMatch(message);
  });

  test("oversized documents are PolicyTooLarge", () => {
    const err = (() => {
      try {
        parsePolicy(JSON.stringify({ Statement: [ok], Id: "x".repeat(21_000) }), { bucket: B });
      } catch (e) {
        return e as PolicyError;
      }
    })();
    expect(err?.kind).toBe("PolicyTooLarge");
  });

  test("without a bucket, resources of any bucket are accepted", () => {
    expect(() => parsePolicy(JSON.stringify({ Statement: { ...ok, Resource: "arn:aws:s3:::any/*" } }))).not.toThrow();
  });
});

describe("operation → action table", () => {
  test.each([
    ["GetObject", {}, ["s3:GetObject"], "all"],
    ["HeadObject", {}, ["s3:GetObject"], "all"],
    ["GetObject", { versionId: true }, ["s3:GetObjectVersion", "s3:GetObject"], "any"],
    ["ListObjectsV2", {}, ["s3:ListBucket"], "all"],
    ["ListObjectVersions", {}, ["s3:ListBucketVersions"], "all"],
    ["UploadPart", {}, ["s3:PutObject"], "all"],
    ["AbortMultipartUpload", {}, ["s3:AbortMultipartUpload"], "all"],
    ["ListParts", {}, ["s3:ListMultipartUploadParts"], "all"],
    ["DeleteObjects", {}, ["s3:DeleteObject"], "all"],
    ["DeleteObject", { versionId: true }, ["s3:DeleteObject", "s3:DeleteObjectVersion"], "all"],
    ["PutObjectTagging", { versionId: true }, ["s3:PutObjectTagging", "s3:PutObjectVersionTagging"], "all"],
    ["GetBucketLocation", {}, ["s3:GetBucketLocation"], "all"],
    ["DeleteBucketPolicy", {}, ["s3:DeleteBucketPolicy"], "all"],
    ["PutBucketVersioning", {}, ["s3:PutBucketVersioning"], "all"],
  ] as const)("%s %j", (op, opts, actions, mode) => {
    expect(actionsFor(op, opts)).toEqual({ actions: [...actions], mode });
  });
});
