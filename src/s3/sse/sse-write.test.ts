// The encrypting body stream reads nothing — and asks for no key — until the layer reads it: a
// part learns its upload's key only after the layer found the upload, and a stream piped ahead
// would have let the first bytes through unencrypted (or dropped them from the checksum).
import { expect, test } from "bun:test";
import { dareDecrypt, dareEncryptedSize } from "../../crypto/index.ts";
import { storedStream } from "./sse-write.ts";

/** A source that hands out its chunks on demand and counts how often it was asked. */
function source(chunks: Uint8Array[]): { stream: ReadableStream<Uint8Array>; pulls(): number } {
  let pulls = 0;
  let i = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        pulls++;
        if (i < chunks.length) c.enqueue(chunks[i++]);
        else c.close();
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulls: () => pulls };
}
const ready = (chunks: Uint8Array[]) => source(chunks).stream;

test("no chunk is read and no key asked for before the stream is pulled", async () => {
  const key = new Uint8Array(32).fill(3);
  let asked = 0;
  const plain = [new Uint8Array(70_000).fill(1), new Uint8Array(10).fill(2)];
  const src = source(plain);
  const enc = storedStream(src.stream, 70_010, () => {
    asked++;
    return { key };
  });
  await Bun.sleep(20);
  expect(src.pulls()).toBe(0);
  expect(asked).toBe(0);
  const out = new Uint8Array(await new Response(enc.stream).arrayBuffer());
  expect(asked).toBe(1);
  expect(out.length).toBe(dareEncryptedSize(70_010));
  expect(dareDecrypt(key, out)).toEqual(new Uint8Array([...plain[0], ...plain[1]]));
  expect(Buffer.from(enc.md5()).toString("hex")).toBe(new Bun.CryptoHasher("md5").update(plain[0]).update(plain[1]).digest("hex"));
});

test("without a key the bytes pass as they are", async () => {
  const enc = storedStream(ready([new Uint8Array([1, 2, 3])]), 3, () => ({}));
  expect(new Uint8Array(await new Response(enc.stream).arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
});
