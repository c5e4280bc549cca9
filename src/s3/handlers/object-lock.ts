// Object retention and legal hold of one version (GET/PUT ?retention, ?legal-hold), stored as
// MinIO stores them in the version's user metadata (X-Amz-Object-Lock-Mode, -Retain-Until-Date,
// -Legal-Hold), judged under the version's write lock with AWS's rules: COMPLIANCE retention is
// never shortened, loosened or removed before it expires; GOVERNANCE retention only with
// x-amz-bypass-governance-retention by a caller allowed s3:BypassGovernanceRetention; a legal
// hold is on or off whatever the retention. Only buckets created with object lock take them.
import type { ObjectInfo } from "../../object/index.ts";
import { allowsAction } from "../authorize.ts";
import { emptyResponse, xmlResponse, type S3Context } from "../context.ts";
import { S3Error } from "../errors.ts";
import { readXmlBody } from "../request-body.ts";
import { validateVersionId } from "../validate.ts";
import { xmlText } from "../xml.ts";

const MODE = "X-Amz-Object-Lock-Mode";
const UNTIL = "X-Amz-Object-Lock-Retain-Until-Date";
const HOLD = "X-Amz-Object-Lock-Legal-Hold";
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A stored lock field, whatever case it was stored in. */
function field(meta: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(meta)) if (k.toLowerCase() === lower) return v.trim();
  return undefined;
}

/** The metadata without any spelling of `name`. */
function without(meta: Record<string, string>, ...names: string[]): Record<string, string> {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  return Object.fromEntries(Object.entries(meta).filter(([k]) => !drop.has(k.toLowerCase())));
}

async function requireLockBucket(ctx: S3Context): Promise<void> {
  if (!(await ctx.deps.layer.getBucketInfo(ctx.bucket)).lockEnabled) throw new S3Error("InvalidRequest", "Bucket is missing Object Lock Configuration");
}

function versionOf(ctx: S3Context): string {
  const v = ctx.query.get("versionId") ?? "";
  if (v !== "") validateVersionId(v);
  return v;
}

/** The version's metadata (also of an encrypted or compressed one: nothing of its data is read). */
async function versionInfo(ctx: S3Context): Promise<ObjectInfo> {
  return ctx.deps.layer.getObjectInfo(ctx.bucket, ctx.key, { versionId: versionOf(ctx), stored: (info) => ({ info, range: null }) });
}

export async function getObjectRetention(ctx: S3Context): Promise<Response> {
  await requireLockBucket(ctx);
  const info = await versionInfo(ctx);
  const mode = field(info.userMeta, MODE)?.toUpperCase();
  const until = field(info.userMeta, UNTIL);
  if ((mode !== "GOVERNANCE" && mode !== "COMPLIANCE") || !until) throw new S3Error("NoSuchObjectLockConfiguration");
  return xmlResponse("Retention", { Mode: mode, RetainUntilDate: new Date(until).toISOString() });
}

export async function putObjectRetention(ctx: S3Context): Promise<Response> {
  await requireLockBucket(ctx);
  const doc = (await readXmlBody(ctx, { contentMd5: "required" })).Retention as Record<string, unknown> | undefined;
  if (doc === undefined) throw new S3Error("MalformedXML");
  const mode = xmlText(doc.Mode);
  const date = xmlText(doc.RetainUntilDate);
  if ((mode === undefined) !== (date === undefined)) throw new S3Error("MalformedXML", "A Retention names both a Mode and a RetainUntilDate, or neither.");
  if (mode !== undefined && mode !== "GOVERNANCE" && mode !== "COMPLIANCE") throw new S3Error("MalformedXML", "Mode must be GOVERNANCE or COMPLIANCE.");
  let until: number | undefined;
  if (date !== undefined) {
    until = ISO_DATE.test(date) ? Date.parse(date) : Number.NaN;
    if (Number.isNaN(until)) throw new S3Error("MalformedXML", "RetainUntilDate must be an ISO 8601 date-time.");
    if (until <= Date.now())
      throw new S3Error("InvalidArgument", "The retain until date must be in the future!", {
        fields: { ArgumentName: "RetainUntilDate", ArgumentValue: date },
      });
  }
  const bypass =
    (ctx.req.headers.get("x-amz-bypass-governance-retention") ?? "").trim().toLowerCase() === "true" &&
    (await allowsAction(ctx, "s3:BypassGovernanceRetention", ctx.bucket, ctx.key));
  const denied = () => new S3Error("AccessDenied", "Access Denied because object protected by object lock.");
  const info = await ctx.deps.layer.updateObjectMeta(
    ctx.bucket,
    ctx.key,
    versionOf(ctx),
    (meta) => {
      const curMode = field(meta, MODE)?.toUpperCase();
      const curUntil = Date.parse(field(meta, UNTIL) ?? "");
      // An unreadable date on a retained version counts as not expired: doubt keeps the data.
      const active = (curMode === "GOVERNANCE" || curMode === "COMPLIANCE") && !(curUntil <= Date.now());
      const weaker = mode === undefined || until! < curUntil || Number.isNaN(curUntil) || (curMode === "COMPLIANCE" && mode !== "COMPLIANCE");
      if (active && weaker && (curMode === "COMPLIANCE" || !bypass)) throw denied();
      const rest = without(meta, MODE, UNTIL);
      return mode === undefined ? rest : { ...rest, [MODE]: mode, [UNTIL]: new Date(until!).toISOString() };
    },
    { lock: true },
  );
  return emptyResponse(200, versionHeader(info));
}

export async function getObjectLegalHold(ctx: S3Context): Promise<Response> {
  await requireLockBucket(ctx);
  const status = field((await versionInfo(ctx)).userMeta, HOLD)?.toUpperCase();
  if (status !== "ON" && status !== "OFF") throw new S3Error("NoSuchObjectLockConfiguration");
  return xmlResponse("LegalHold", { Status: status });
}

export async function putObjectLegalHold(ctx: S3Context): Promise<Response> {
  await requireLockBucket(ctx);
  const doc = (await readXmlBody(ctx, { contentMd5: "required" })).LegalHold as Record<string, unknown> | undefined;
  const status = doc === undefined ? undefined : xmlText(doc.Status);
  if (status !== "ON" && status !== "OFF") throw new S3Error("MalformedXML", "A LegalHold's Status is ON or OFF.");
  const info = await ctx.deps.layer.updateObjectMeta(ctx.bucket, ctx.key, versionOf(ctx), (meta) => ({ ...without(meta, HOLD), [HOLD]: status }), {
    lock: true,
  });
  return emptyResponse(200, versionHeader(info));
}

function versionHeader(info: ObjectInfo): Headers {
  return new Headers(info.versionId !== "null" ? { "x-amz-version-id": info.versionId } : {});
}
