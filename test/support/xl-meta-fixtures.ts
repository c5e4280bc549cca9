// Test-only helpers: load the shared MinIO fixtures and their golden decodes, and split a
// v1.3 file into its raw header/body byte strings. Never imported by product code.
import { MsgpackReader } from "../../src/util/index.ts";
import type { FileInfo, PartInfo } from "../../src/disk/index.ts";

export const FIXTURES = "/work/shared/minio-format/fixtures";

export async function readFixture(rel: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await Bun.file(`${FIXTURES}/${rel}`).arrayBuffer());
}

/** A bin-or-str value as the golden decoder prints it. */
export type ExpectedBytes = { str: string } | { hex: string };

export interface ExpectedVersion {
  header?: { versionId: string; modTimeUnixNano: string; signatureHex: string; type: number; flags: number; ecN?: number; ecM?: number };
  body: { Type: number; v?: number; V2Obj?: Record<string, unknown>; DelObj?: Record<string, unknown> };
}

export interface ExpectedFile {
  fixture: string;
  format: string;
  headerVersion?: number;
  metaVersion?: number;
  numVersions?: number;
  versions: ExpectedVersion[];
  inlineData: { entries: Record<string, { length: number; shardPayloadSha256: string }> } | null;
}

/** All golden decodes; integers of 16+ digits stay strings so nanosecond times survive JSON. */
export async function loadExpectedFiles(): Promise<ExpectedFile[]> {
  const out: ExpectedFile[] = [];
  for (const name of new Bun.Glob("*.json").scanSync(`${FIXTURES}/expected`)) {
    const text = await Bun.file(`${FIXTURES}/expected/${name}`).text();
    out.push(JSON.parse(text.replace(/(?<=[:[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '"$1"')));
  }
  return out.sort((a, b) => a.fixture.localeCompare(b.fixture));
}

export function expectedBytes(v: ExpectedBytes): Uint8Array {
  return "str" in v ? new TextEncoder().encode(v.str) : Uint8Array.from(Buffer.from(v.hex, "hex"));
}

const uuidOrNull = (s: string) => (/^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(s) ? "null" : s);

function expectedSys(m: unknown): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries((m ?? {}) as Record<string, ExpectedBytes>)) out[k] = expectedBytes(v);
  return out;
}

/** The FileInfo our decoder must produce for a golden version body (no read-time fields). */
export function expectedFileInfo(v: ExpectedVersion, volume: string, name: string): FileInfo {
  const writtenBy = v.body.v ?? 0;
  const d = v.body.DelObj;
  if (d) {
    return {
      volume,
      name,
      versionId: uuidOrNull(d.ID as string),
      deleted: true,
      dataDir: "",
      modTimeNs: BigInt(d.MTime as string),
      size: 0,
      userMeta: {},
      sysMeta: expectedSys(d.MetaSys),
      parts: [],
      writtenBy,
    };
  }
  const o = v.body.V2Obj!;
  const nums = o.PartNums as number[];
  const sizes = o.PartSizes as number[];
  const asizes = o.PartASizes as number[] | null;
  const etags = o.PartETags as string[] | null;
  const idx = o.PartIdx as ExpectedBytes[] | undefined;
  const parts = nums.map((number, i): PartInfo => {
    const p: PartInfo = { number, size: sizes[i], actualSize: asizes?.[i] ?? sizes[i] };
    if (etags?.[i]) p.etag = etags[i];
    const index = idx ? expectedBytes(idx[i]) : undefined;
    if (index?.length) p.index = index;
    return p;
  });
  return {
    volume,
    name,
    versionId: uuidOrNull(o.ID as string),
    deleted: false,
    dataDir: o.DDir as string,
    modTimeNs: BigInt(o.MTime as string),
    size: Number(o.Size),
    userMeta: { ...(o.MetaUsr as Record<string, string>) },
    sysMeta: expectedSys(o.MetaSys),
    parts,
    writtenBy,
    erasure: {
      dataBlocks: o.EcM as number,
      parityBlocks: o.EcN as number,
      blockSize: o.EcBSize as number,
      index: o.EcIndex as number,
      distribution: o.EcDist as number[],
    },
  };
}

/** Raw [header, body] byte strings of every version of an XL2 v1.3 file, in stored order. */
export function rawVersionsV13(file: Uint8Array): { header: Uint8Array; body: Uint8Array }[] {
  const meta = new MsgpackReader(file, 8).readBin();
  const r = new MsgpackReader(meta);
  r.readUint();
  r.readUint();
  const out = [];
  for (let n = r.readInt(); n > 0; n--) out.push({ header: r.readBin(), body: r.readBin() });
  return out;
}

export const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
