// WORM protection of object versions as MinIO records it in the version's user metadata
// (X-Amz-Object-Lock-Mode, -Retain-Until-Date, -Legal-Hold): a version under legal hold, or
// under retention that has not expired, is never removed. Governance mode yields to an
// explicit bypass; compliance mode does not. Also: a bucket's default retention rule, which we
// cannot apply yet, so writes into such a bucket are refused rather than stored unprotected.
import type { FileInfo } from "../disk/index.ts";
import { ObjectError } from "./object-error.ts";
import { metaValue } from "./object-info.ts";

const MODE = "x-amz-object-lock-mode";
const RETAIN_UNTIL = "x-amz-object-lock-retain-until-date";
const LEGAL_HOLD = "x-amz-object-lock-legal-hold";

/**
 * Throws ObjectLocked when `fi` may not be removed at `nowMs`. A retain-until date we cannot
 * parse counts as not yet expired: doubt keeps the data.
 */
export function checkRemovable(fi: FileInfo, nowMs: number, bypassGovernance: boolean, key: string): void {
  if (fi.deleted) return;
  const locked = (why: string): never => {
    throw new ObjectError("ObjectLocked", `Version "${fi.versionId}" of "${key}" is WORM protected (${why})`, {
      bucket: fi.volume,
      key,
      versionId: fi.versionId,
    });
  };
  const field = (name: string) => metaValue(fi.userMeta, name)?.trim();
  if (field(LEGAL_HOLD)?.toUpperCase() === "ON") locked("legal hold");
  const mode = field(MODE)?.toUpperCase();
  if (mode !== "COMPLIANCE" && mode !== "GOVERNANCE") return;
  const retainUntil = field(RETAIN_UNTIL);
  const until = Date.parse(retainUntil ?? "");
  if (!Number.isNaN(until) && until <= nowMs) return;
  if (mode === "GOVERNANCE" && bypassGovernance) return;
  locked(`${mode.toLowerCase()} retention until ${retainUntil ?? "an unreadable date"}`);
}

/**
 * The default retention an object-lock configuration asks for ("GOVERNANCE 30 days"), or
 * undefined when it has none (only <ObjectLockEnabled>, as CreateBucket writes it).
 */
export function defaultRetentionOf(configXml: Uint8Array | null): string | undefined {
  if (!configXml || configXml.length === 0) return undefined;
  const xml = new TextDecoder().decode(configXml);
  const rule = /<DefaultRetention>([\s\S]*?)<\/DefaultRetention>/.exec(xml)?.[1];
  if (rule === undefined) return undefined;
  const mode = /<Mode>\s*([^<]*?)\s*<\/Mode>/.exec(rule)?.[1] ?? "";
  const period = /<(Days|Years)>\s*([^<]*?)\s*<\/(?:Days|Years)>/.exec(rule);
  return `${mode || "unknown mode"} ${period ? `${period[2]} ${period[1].toLowerCase()}` : "(no period)"}`.trim();
}

/** Writes into a bucket with a default retention rule would be unprotected: refused until we apply it. */
export function refuseDefaultRetention(bucket: string, configXml: Uint8Array | null): void {
  const rule = defaultRetentionOf(configXml);
  if (rule === undefined) return;
  throw new ObjectError(
    "Unsupported",
    `Bucket "${bucket}" has a default object-lock retention rule (${rule}) that this server cannot apply yet; writes to it are refused so no object is stored unprotected`,
    { bucket },
  );
}
