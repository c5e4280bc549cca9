// format.json: MinIO's field order on write, and every validation rule on read.
import { describe, expect, test } from "bun:test";
import { drivePosition, parseFormatJson, serializeFormatJson, type FormatV3 } from "./format-json.ts";

const U = (n: number) => `${n.toString(16).padStart(8, "0")}-1111-4222-8333-444444444444`;
const DEPLOYMENT = "a7d8b6c2-5e1f-4c3d-9a8b-7c6d5e4f3a2b";

function sample(over: Partial<FormatV3["xl"]> = {}, top: Partial<FormatV3> = {}): FormatV3 {
  return {
    version: "1",
    format: "xl",
    id: DEPLOYMENT,
    xl: {
      version: "3",
      this: U(6),
      sets: [
        [U(1), U(2), U(3), U(4)],
        [U(5), U(6), U(7), U(8)],
      ],
      distributionAlgo: "SIPMOD+PARITY",
      ...over,
    },
    ...top,
  };
}

const text = (doc: unknown) => JSON.stringify(doc);
const corrupt = (input: string, pattern: RegExp) =>
  expect(() => parseFormatJson(input)).toThrow(expect.objectContaining({ kind: "Corrupt", message: expect.stringMatching(pattern) }));

describe("format.json", () => {
  test("serializes in MinIO's field order, compact, and parses back", () => {
    const f = sample();
    const s = serializeFormatJson(f);
    expect(s).toBe(
      `{"version":"1","format":"xl","id":"${DEPLOYMENT}","xl":{"version":"3","this":"${U(6)}",` +
        `"sets":[["${U(1)}","${U(2)}","${U(3)}","${U(4)}"],["${U(5)}","${U(6)}","${U(7)}","${U(8)}"]],"distributionAlgo":"SIPMOD+PARITY"}}`,
    );
    expect(parseFormatJson(new TextEncoder().encode(s))).toEqual(f);
    expect(drivePosition(f)).toEqual({ set: 1, drive: 1 });
  });

  test("field order on write does not depend on the object's key order", () => {
    const f = sample();
    const shuffled = {
      xl: { distributionAlgo: f.xl.distributionAlgo, sets: f.xl.sets, this: f.xl.this, version: f.xl.version },
      id: f.id,
      format: f.format,
      version: f.version,
    } as FormatV3;
    expect(serializeFormatJson(shuffled)).toBe(serializeFormatJson(f));
  });

  test("accepts xl-single and the older placement algorithms; ignores unknown fields", () => {
    const single = sample({ this: U(1), sets: [[U(1)]] }, { format: "xl-single" });
    expect(parseFormatJson(text(single))).toEqual(single);
    for (const algo of ["SIPMOD", "CRCMOD"] as const) expect(parseFormatJson(text(sample({ distributionAlgo: algo }))).xl.distributionAlgo).toBe(algo);
    expect(parseFormatJson(text({ ...sample(), extra: 1 }))).toEqual(sample());
  });

  test("rejects each broken rule with a clear Corrupt error", () => {
    corrupt("{not json", /not JSON/);
    corrupt("[]", /version/);
    corrupt(text(sample({}, { version: "2" as "1" })), /version is "2"/);
    corrupt(text(sample({}, { format: "fs" as "xl" })), /FS backend/);
    corrupt(text(sample({}, { format: "erasure" as "xl" })), /format is "erasure"/);
    corrupt(text(sample({}, { id: "nope" })), /deployment id/);
    corrupt(text({ version: "1", format: "xl", id: DEPLOYMENT }), /missing "xl"/);
    corrupt(text(sample({ version: "2" as "3" })), /xl.version is "2"/);
    corrupt(text(sample({ this: "x" })), /xl.this/);
    corrupt(text(sample({ this: U(9) })), /not in xl.sets/);
    corrupt(text(sample({ sets: [] })), /empty/);
    corrupt(
      text(
        sample({
          sets: [
            [U(1), U(2), U(3), U(6)],
            [U(5), U(7), U(8)],
          ],
        }),
      ),
      /set 1 has 3 drives, expected 4/,
    );
    corrupt(
      text(
        sample({
          sets: [
            [U(1), U(2), U(3), U(4)],
            [U(5), U(6), U(7), "bad"],
          ],
        }),
      ),
      /not a UUID/,
    );
    corrupt(
      text(
        sample({
          sets: [
            [U(1), U(2), U(3), U(4)],
            [U(5), U(6), U(7), U(1)],
          ],
        }),
      ),
      /more than once/,
    );
    corrupt(text(sample({ distributionAlgo: "RANDOM" as "SIPMOD" })), /distributionAlgo/);
    corrupt(text(sample({ sets: [Array.from({ length: 17 }, (_, i) => U(i + 1))], this: U(1) })), /17 drives/);
    corrupt(text(sample({ this: U(1), sets: [[U(1), U(2)]] }, { format: "xl-single" })), /one set of one drive/);
  });
});
