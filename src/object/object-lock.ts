// WORM protection of object versions as MinIO records it in the version's user metadata
// (X-Amz-Object-Lock-Mode, -Retain-Until-Date, -Legal-Hold): a version under legal hold, or
// under retention that has not expired, is never removed. Governance mode yields to an
// explicit bypass; compliance mode does not.
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
    throw new ObjectError("ObjectLocked", `Version "${fi.versionId}" of "${key}" is WORM protected (${why})`, { bucket: fi.volume, key, versionId: fi.versionId });
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
