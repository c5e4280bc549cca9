// Quorum logic on its own: write quorum sizes, electing versions from per-drive headers
// (agreement rules, EC-less headers, one winner per version id, ordering), and deciding
// whether unreachable drives might hold a version we cannot see.
import { describe, expect, test } from "bun:test";
import { XlMeta, type XlVersionHeader } from "../disk/index.ts";
import { FIXTURES } from "../../test/support/temp-dirs.ts";
import { electVersions, majority, mightReachQuorum, tallyVersions, writeQuorum } from "./quorum.ts";

function h(over: Partial<XlVersionHeader> = {}): XlVersionHeader {
  return { versionId: "null", modTimeNs: 100n, signature: new Uint8Array([1, 2, 3, 4]), type: 1, flags: 2, ecN: 2, ecM: 2, ...over };
}

const byEcM = (x: XlVersionHeader) => (x.type === 1 ? x.ecM || 2 : 2);
const ids = (v: { header: XlVersionHeader }[]) => v.map((e) => e.header.versionId);

describe("writeQuorum and majority", () => {
  test("d, plus one when d equals p", () => {
    expect(writeQuorum(2, 2)).toBe(3);
    expect(writeQuorum(3, 3)).toBe(4);
    expect(writeQuorum(4, 2)).toBe(4);
    expect(writeQuorum(3, 2)).toBe(3);
    expect(writeQuorum(12, 4)).toBe(12);
    expect(writeQuorum(1, 0)).toBe(1);
    expect(writeQuorum(8, 8)).toBe(9);
  });
  test("a strict majority", () => {
    expect([1, 2, 3, 4, 5, 6, 16].map(majority)).toEqual([1, 2, 2, 3, 3, 4, 9]);
  });
});

describe("electVersions", () => {
  test("a version needs `required` drives; each drive counts once", () => {
    const v = h();
    expect(ids(electVersions([[v], [v], null, null], byEcM))).toEqual(["null"]);
    expect(electVersions([[v], null, null, null], byEcM)).toEqual([]);
    // the same header twice on one drive is still one vote
    expect(electVersions([[v, v], null, null, null], byEcM)).toEqual([]);
    expect(electVersions([[v], [v], null, null], byEcM)[0].drives).toEqual([0, 1]);
  });

  test("differing signature, mod time, type or flags do not agree", () => {
    const base = h();
    for (const odd of [h({ signature: new Uint8Array([9, 9, 9, 9]) }), h({ modTimeNs: 101n }), h({ type: 2, ecN: 0, ecM: 0 }), h({ flags: 6 })]) {
      expect(electVersions([[base], [odd], [odd], null], () => 3)).toEqual([]);
      const won = electVersions([[base], [odd], [base], [base]], () => 3);
      expect(won.length).toBe(1);
      expect(won[0].drives).toEqual([0, 2, 3]);
    }
  });

  test("different EC pairs do not agree; EC-less (header v2) headers agree with any pair", () => {
    const a = h({ ecN: 2, ecM: 2 });
    const b = h({ ecN: 1, ecM: 3 });
    const plain = h({ ecN: 0, ecM: 0 });
    expect(electVersions([[a], [b], [a], [b]], () => 3)).toEqual([]);
    const mixed = electVersions([[a], [plain], [a], [b]], () => 3);
    expect(mixed.length).toBe(1);
    expect(mixed[0].drives).toEqual([0, 1, 2]);
    // the elected header carries the EC pair, so the caller learns the data shard count
    expect(mixed[0].header.ecM).toBe(2);
    const allPlain = electVersions([[plain], [plain], [plain], null], () => 3);
    expect(allPlain[0].header.ecM).toBe(0);
  });

  test("one winner per version id: the variant more drives hold", () => {
    const a = h({ signature: new Uint8Array([1, 1, 1, 1]) });
    const b = h({ signature: new Uint8Array([2, 2, 2, 2]) });
    const won = electVersions([[a], [a], [a], [b], [b], null], () => 2);
    expect(won.length).toBe(1);
    expect(won[0].header.signature).toEqual(a.signature);
    expect(won[0].drives).toEqual([0, 1, 2]);
  });

  test("newest first: mod time, then type (delete marker after object at equal time)", () => {
    const older = h({ versionId: "11111111-1111-4111-8111-111111111111", modTimeNs: 5n });
    const newer = h({ versionId: "22222222-2222-4222-8222-222222222222", modTimeNs: 9n });
    const marker = h({ versionId: "33333333-3333-4333-8333-333333333333", modTimeNs: 9n, type: 2, flags: 0, ecN: 0, ecM: 0 });
    const drive = [older, newer, marker];
    const won = electVersions([drive, drive, drive, drive], byEcM);
    expect(ids(won)).toEqual([newer.versionId, marker.versionId, older.versionId]);
  });

  test("per-version quorum: an object needs its data shard count, a marker what `required` says", () => {
    const obj = h({ versionId: "11111111-1111-4111-8111-111111111111", ecN: 1, ecM: 5 });
    const marker = h({ versionId: "22222222-2222-4222-8222-222222222222", type: 2, flags: 0, ecN: 0, ecM: 0, modTimeNs: 200n });
    const perDrive = [[obj, marker], [obj, marker], [obj, marker], [obj], [obj], null];
    const req = (x: XlVersionHeader) => (x.type === 1 ? x.ecM : 3);
    expect(ids(electVersions(perDrive, req))).toEqual([marker.versionId, obj.versionId]);
    perDrive[4] = null;
    expect(ids(electVersions(perDrive, req))).toEqual([marker.versionId]);
  });

  test("tallyVersions lists every distinct version with its holders", () => {
    const a = h({ versionId: "11111111-1111-4111-8111-111111111111" });
    const b = h({ versionId: "22222222-2222-4222-8222-222222222222", modTimeNs: 1n });
    const t = tallyVersions([[a, b], [a], null, [b]]);
    expect(t.map((v) => [v.header.versionId, v.drives])).toEqual([
      [a.versionId, [0, 1]],
      [b.versionId, [0, 3]],
    ]);
  });
});

describe("electVersions on MinIO fixtures", () => {
  const load = async (rel: string) => XlMeta.parse(await Bun.file(`${FIXTURES}/${rel}`).bytes()).versions;

  // (The fixture README says disk5 holds only the older version; its xl.meta holds only the newer one.)
  test("cicd-corpus: disk1 lost xl.meta, the newer version is on 2 drives: only the old one (3 drives) is elected", async () => {
    const perDrive = [null, ...(await Promise.all([2, 3, 4, 5].map((d) => load(`minio-cicd-corpus/disk${d}/bucket/testobj/xl.meta`))))];
    const won = electVersions(perDrive, () => 3);
    expect(ids(won)).toEqual(["50051050-62bc-4928-b0d3-65f4f828a0c7"]);
    expect(won[0].drives).toEqual([1, 2, 3]);
    expect(tallyVersions(perDrive).find((v) => v.header.versionId.startsWith("163c7c9d"))?.drives).toEqual([3, 4]);
  });

  test("xl-meta-consist: v1.2 files and one header-v2 file agree on the version (all 10 drives vote)", async () => {
    const perDrive = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((d) => load(`minio-xl-meta-consist/${d}/xl.meta`)));
    const won = electVersions(perDrive, (x) => x.ecM || 6);
    expect(won.length).toBe(1);
    expect(won[0].drives).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(won[0].header.ecM).toBe(6);
  });

  test("xl-meta-merge: 8 drives from two writes give 3 versions with quorum 4", async () => {
    const perDrive = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((d) => load(`minio-xl-meta-merge/xl${d}/testbucket/hosts/xl.meta`)));
    expect(electVersions(perDrive, () => 4).length).toBe(3);
  });
});

describe("mightReachQuorum", () => {
  const n = 4;
  test("nothing unreachable: never", () => {
    expect(mightReachQuorum([[h()], null, null, null], 0, byEcM, n)).toBe(false);
  });
  test("a version seen below quorum that the unreachable drives could complete", () => {
    expect(mightReachQuorum([[h()], [], [], null], 1, byEcM, n)).toBe(true);
    // seen on 1 drive, needs 3, only 1 unreachable: cannot
    expect(mightReachQuorum([[h()], [], [], null], 1, () => 3, n)).toBe(false);
  });
  test("an unseen version needs n - n/2 unreachable drives", () => {
    expect(mightReachQuorum([[], [], [], null], 1, byEcM, n)).toBe(false);
    expect(mightReachQuorum([[], [], null, null], 2, byEcM, n)).toBe(true);
    expect(mightReachQuorum([[], [], [], [], null, null], 2, byEcM, 6)).toBe(false);
    expect(mightReachQuorum([[], [], [], null, null, null], 3, byEcM, 6)).toBe(true);
    expect(mightReachQuorum([[], [], [], null, null], 2, byEcM, 5)).toBe(false);
    expect(mightReachQuorum([[], [], null, null, null], 3, byEcM, 5)).toBe(true);
  });
});
