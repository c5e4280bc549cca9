// mergeVersions on MinIO's own merge fixtures (xl-meta-merge, xl-meta-consist, cicd-corpus)
// and on synthetic disagreements between drives.
import { describe, expect, test } from "bun:test";
import { mergeVersions, XlMeta, type XlVersionHeader } from "./index.ts";
import { readFixture } from "../../../test/support/xl-meta-fixtures.ts";

const load = async (rel: string) => XlMeta.parse(await readFixture(rel)).versions;

/** Deterministic shuffles (a small LCG), so failures reproduce. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function header(over: Partial<XlVersionHeader> = {}): XlVersionHeader {
  return { versionId: "null", modTimeNs: 100n, signature: new Uint8Array([1, 2, 3, 4]), type: 1, flags: 2, ecN: 2, ecM: 2, ...over };
}

describe("mergeVersions on MinIO fixtures", () => {
  test("xl-meta-merge: the 8 drives merge to exactly 3 versions, newest first, in any order", async () => {
    const drives = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((d) => load(`minio-xl-meta-merge/xl${d}/testbucket/hosts/xl.meta`)));
    for (let seed = 1; seed <= 20; seed++) {
      for (const quorum of [1, 4]) {
        const merged = mergeVersions(shuffled(drives, seed), quorum);
        expect(merged.map((h) => h.versionId)).toEqual(["null", "1f163718-9bc5-4b01-bff7-5d8cf09caf10", "73c9f651-f023-4566-b012-cc537fdb7ce2"]);
      }
    }
    expect(mergeVersions(drives, 5)).toEqual([]);
  });

  test("xl-meta-consist: the same version from 10 drives merges with any quorum", async () => {
    const drives = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((d) => load(`minio-xl-meta-consist/${d}/xl.meta`)));
    for (let quorum = 1; quorum <= 10; quorum++) {
      const merged = mergeVersions(shuffled(drives, quorum), quorum);
      expect(merged.length).toBe(1);
      expect(merged[0]).toMatchObject({ versionId: "null", modTimeNs: 1639124576410705609n, type: 1 });
    }
  });

  test("cicd-corpus: only the version on read quorum (3 of 5) survives; disk1 lost its xl.meta", async () => {
    const drives = [null, ...(await Promise.all([2, 3, 4, 5].map((d) => load(`minio-cicd-corpus/disk${d}/bucket/testobj/xl.meta`))))];
    expect(mergeVersions(drives, 3).map((h) => h.versionId)).toEqual(["50051050-62bc-4928-b0d3-65f4f828a0c7"]);
    expect(mergeVersions(drives, 2).length).toBe(2);
  });
});

describe("mergeVersions rules", () => {
  test("a differing signature, mod time, type or flags does not count towards quorum", () => {
    const base = header();
    const odd = [
      header({ signature: new Uint8Array([9, 9, 9, 9]) }),
      header({ modTimeNs: 101n }),
      header({ type: 2, ecN: 0, ecM: 0 }),
      header({ flags: 6 }),
    ];
    for (const o of odd) expect(mergeVersions([[base], [base], [o]], 3)).toEqual([]);
    expect(mergeVersions([[base], [base], [odd[0]]], 2)).toEqual([base]);
  });

  test("headers without EC (header version 2) agree with any EC; different EC pairs do not", () => {
    const noEc = header({ ecN: 0, ecM: 0 });
    expect(mergeVersions([[header()], [noEc], [noEc]], 3)).toEqual([header()]);
    expect(mergeVersions([[header()], [header({ ecN: 1, ecM: 3 })], [noEc]], 3)).toEqual([]);
  });

  test("each drive counts once; unreadable drives are skipped; output is newest first", () => {
    const a = header({ versionId: "aaaaaaaa-0000-4000-8000-000000000000", modTimeNs: 5n });
    const b = header({ versionId: "bbbbbbbb-0000-4000-8000-000000000000", modTimeNs: 9n });
    expect(mergeVersions([[a, a], null, [a]], 3)).toEqual([]);
    expect(mergeVersions([[a, b], null, [b, a], [a]], 2)).toEqual([b, a]);
  });

  test("when two variants of one version reach quorum, the one most drives hold wins", () => {
    const x = header();
    const y = header({ signature: new Uint8Array([7, 7, 7, 7]) });
    expect(mergeVersions([[x], [x], [x], [y], [y]], 2)).toEqual([x]);
  });
});
