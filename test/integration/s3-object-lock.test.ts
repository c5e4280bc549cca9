// WORM versions a MinIO deployment locked (retention or legal hold in the version's metadata)
// stay protected under Bunker: removing such a version fails with MinIO's error, through
// DeleteObject and DeleteObjects alike; governance yields only to an explicit bypass,
// compliance and legal hold never; expired retention and delete markers do not block.
import { expect, test } from "bun:test";
import { CopyObjectCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, PutBucketVersioningCommand } from "@aws-sdk/client-s3";
import { bytesOf, rejectsWith } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "worm";
const FUTURE = new Date(Date.now() + 86_400_000).toISOString();
const PAST = new Date(Date.now() - 86_400_000).toISOString();

const { h, s3 } = useS3Bucket(B, {
  setup: async () => {
    await s3.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: "Enabled" } }));
  },
});

/** A version as MinIO stores a locked one: the lock fields in its user metadata. */
async function lockedVersion(key: string, lock: Record<string, string>): Promise<string> {
  const body = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new TextEncoder().encode(key)), c.close()) });
  const info = await h.bunker.store.putObject(B, key, body, { size: key.length, userMeta: { "content-type": "text/plain", ...lock } });
  return info.versionId;
}

test("retention and legal hold block removing the version, nothing else", async () => {
  const compliance = await lockedVersion("compliance", { "X-Amz-Object-Lock-Mode": "COMPLIANCE", "X-Amz-Object-Lock-Retain-Until-Date": FUTURE });
  const governance = await lockedVersion("governance", { "X-Amz-Object-Lock-Mode": "GOVERNANCE", "X-Amz-Object-Lock-Retain-Until-Date": FUTURE });
  const held = await lockedVersion("held", { "X-Amz-Object-Lock-Legal-Hold": "ON" });
  const expired = await lockedVersion("expired", { "X-Amz-Object-Lock-Mode": "COMPLIANCE", "X-Amz-Object-Lock-Retain-Until-Date": PAST });
  const bypass = (cmd: DeleteObjectCommand) => ({ ...cmd.input, BypassGovernanceRetention: true });

  for (const [key, versionId] of [
    ["compliance", compliance],
    ["governance", governance],
    ["held", held],
  ]) {
    await rejectsWith(s3.send(new DeleteObjectCommand({ Bucket: B, Key: key, VersionId: versionId })), "InvalidRequest", 400);
  }
  await rejectsWith(
    s3.send(new DeleteObjectCommand(bypass(new DeleteObjectCommand({ Bucket: B, Key: "compliance", VersionId: compliance })))),
    "InvalidRequest",
    400,
  );
  await rejectsWith(s3.send(new DeleteObjectCommand(bypass(new DeleteObjectCommand({ Bucket: B, Key: "held", VersionId: held })))), "InvalidRequest", 400);
  const batch = await s3.send(deleteObjects({ compliance, governance, held }));
  expect((batch.Errors ?? []).map((e) => [e.Key, e.Code]).sort()).toEqual([
    ["compliance", "InvalidRequest"],
    ["governance", "InvalidRequest"],
    ["held", "InvalidRequest"],
  ]);
  expect(batch.Deleted ?? []).toEqual([]);
  // Every locked version is still there, byte for byte.
  for (const [key, versionId] of [
    ["compliance", compliance],
    ["governance", governance],
    ["held", held],
  ]) {
    expect(new TextDecoder().decode(await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: key, VersionId: versionId }))).Body))).toBe(key);
  }
  // A delete marker over a locked version is allowed (the version stays); so are the unlocked cases.
  expect((await s3.send(new DeleteObjectCommand({ Bucket: B, Key: "compliance" }))).DeleteMarker).toBe(true);
  await s3.send(new DeleteObjectCommand(bypass(new DeleteObjectCommand({ Bucket: B, Key: "governance", VersionId: governance }))));
  await s3.send(new DeleteObjectCommand({ Bucket: B, Key: "expired", VersionId: expired }));
  await rejectsWith(s3.send(new GetObjectCommand({ Bucket: B, Key: "governance", VersionId: governance })), "NoSuchVersion", 404);
  await rejectsWith(s3.send(new GetObjectCommand({ Bucket: B, Key: "expired", VersionId: expired })), "NoSuchVersion", 404);
  expect((await s3.send(new GetObjectCommand({ Bucket: B, Key: "compliance", VersionId: compliance }))).VersionId).toBe(compliance);
});

test("rewriting a locked version's metadata keeps its lock (self-copy REPLACE, any in-place update)", async () => {
  const versionId = await lockedVersion("rewrite", { "X-Amz-Object-Lock-Mode": "COMPLIANCE", "X-Amz-Object-Lock-Retain-Until-Date": FUTURE });
  await s3.send(
    new CopyObjectCommand({
      Bucket: B,
      Key: "rewrite",
      CopySource: `${B}/rewrite?versionId=${versionId}`,
      MetadataDirective: "REPLACE",
      Metadata: { note: "x" },
    }),
  );
  // An in-place rewrite that tries to drop or change the lock fields changes nothing of them.
  const info = await h.bunker.store.updateObjectMeta(B, "rewrite", versionId, () => ({ "content-type": "text/plain", "x-amz-object-lock-mode": "GOVERNANCE" }));
  expect(info.userMeta["X-Amz-Object-Lock-Mode"]).toBe("COMPLIANCE");
  expect(info.userMeta["x-amz-object-lock-mode"]).toBeUndefined();
  const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "rewrite", VersionId: versionId }));
  expect(got.ObjectLockMode).toBe("COMPLIANCE");
  expect(got.ObjectLockRetainUntilDate?.toISOString()).toBe(FUTURE);
  await rejectsWith(
    s3.send(new DeleteObjectCommand({ Bucket: B, Key: "rewrite", VersionId: versionId, BypassGovernanceRetention: true })),
    "InvalidRequest",
    400,
  );
});

function deleteObjects(versions: Record<string, string>): DeleteObjectsCommand {
  return new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: Object.entries(versions).map(([Key, VersionId]) => ({ Key, VersionId })) } });
}
