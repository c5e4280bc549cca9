// The streaming POST form reader: browser-built forms, bodies cut into chunks at every byte,
// fields sent as file parts (Python requests), what follows the file, and bad framing.
import { describe, expect, test } from "bun:test";
import { S3Error } from "./errors.ts";
import { formBoundary, MAX_PRE_FILE_BYTES, readPostForm } from "./post-form.ts";

const B = "XyZ-boundary-123";
const TYPE = `multipart/form-data; boundary=${B}`;

/** A request whose body arrives in chunks of `size` bytes (the delimiter may straddle any two). */
function request(body: string | Uint8Array, size = 1 << 16, type = TYPE): Request {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  let off = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (off >= bytes.length) return c.close();
      c.enqueue(bytes.slice(off, off + size));
      off += size;
    },
  });
  return new Request("http://x/b", { method: "POST", body: stream, headers: { "content-type": type }, duplex: "half" } as RequestInit);
}

const part = (name: string, value: string, extra = "") => `--${B}\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n\r\n${value}\r\n`;
const filePart = (content: string, filename = "a.txt") =>
  `--${B}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n${content}`;

async function readAll(req: Request) {
  const form = await readPostForm(req);
  return { form, content: Buffer.from(await new Response(form.file.stream).arrayBuffer()).toString() };
}

async function failure(p: Promise<unknown>): Promise<S3Error> {
  try {
    await p;
  } catch (e) {
    if (e instanceof S3Error) return e;
    throw e;
  }
  throw new Error("expected an S3Error");
}

describe("well-formed forms", () => {
  test("a form built by FormData, fields lower-cased, the file streamed", async () => {
    const fd = new FormData();
    fd.append("Key", "uploads/${filename}");
    fd.append("X-Amz-Meta-Foo", "bär");
    fd.append("file", new File(["Hello World!"], "hello.txt", { type: "text/plain" }));
    const encoded = new Response(fd);
    const type = encoded.headers.get("content-type")!;
    const { form, content } = await readAll(request(new Uint8Array(await encoded.arrayBuffer()), 7, type));
    expect([...form.fields]).toEqual([
      ["key", "uploads/${filename}"],
      ["x-amz-meta-foo", "bär"],
    ]);
    expect(form.file.name).toBe("hello.txt");
    expect(form.file.type).toStartWith("text/plain");
    expect(content).toBe("Hello World!");
  });

  test("every chunking gives the same form, content near the delimiter included", async () => {
    const content = `line\r\n--${B.slice(0, -1)}\r\n-\r\n--`;
    const body = `preamble\r\n${part("key", "k\r\n")}${filePart(content)}\r\n--${B}--\r\nepilogue`;
    for (let size = 1; size <= body.length; size += size < 20 ? 1 : 13) {
      const { form, content: got } = await readAll(request(body, size));
      expect(form.fields.get("key")).toBe("k\r\n");
      expect(got).toBe(content);
    }
  });

  test("fields sent as file parts still count as fields; what follows the file is ignored", async () => {
    const body =
      part("key", "foo.txt", '; filename="key"') +
      part("AWSAccessKeyId", "AK", '; filename="AWSAccessKeyId"') +
      filePart("bar", "file") +
      `\r\n` +
      part("x-amz-meta-late", "ignored") +
      `--${B}--`;
    const { form, content } = await readAll(request(body, 5));
    expect([...form.fields.keys()]).toEqual(["key", "awsaccesskeyid"]);
    expect(content).toBe("bar");
  });

  test("boundary parameter forms", () => {
    expect(formBoundary(`multipart/form-data; boundary="${B}"`)).toBe(B);
    expect(formBoundary(`Multipart/Form-Data; charset=utf-8; BOUNDARY=${B}`)).toBe(B);
    for (const bad of [null, "multipart/form-data", "multipart/form-data; boundary=", "application/x-www-form-urlencoded", `multipart/mixed; boundary=${B}`]) {
      expect(() => formBoundary(bad)).toThrow(S3Error);
    }
  });
});

describe("bad framing is MalformedPOSTRequest", () => {
  test.each([
    ["no boundary at all", "just some bytes"],
    ["a part header cut short", `--${B}\r\nContent-Disposition: form-da`],
    ["a part without Content-Disposition", `--${B}\r\nContent-Type: text/plain\r\n\r\nx\r\n--${B}--`],
    ["a part without a name", `--${B}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${B}--`],
    ["text glued to a boundary", `--${B}junk\r\n\r\n`],
  ])("%s (fields)", async (_, body) => {
    expect((await failure(readPostForm(request(body, 3)))).code).toBe("MalformedPOSTRequest");
  });

  test.each([
    ["the body ends inside the file", part("key", "k") + filePart("partial")],
    ["no closing boundary after the file", part("key", "k") + filePart("whole") + `\r\n--${B}\r\n`],
    ["a truncated part after the file", part("key", "k") + filePart("whole") + `\r\n` + `--${B}\r\nContent-Disposition: form-data; name="x"\r\n\r\nval`],
  ])("%s: the file stream fails instead of ending", async (_, body) => {
    const form = await readPostForm(request(body, 4));
    expect((await failure(new Response(form.file.stream).arrayBuffer())).code).toBe("MalformedPOSTRequest");
  });
});

describe("refused forms", () => {
  test("no file part", async () => {
    const e = await failure(readPostForm(request(part("key", "k") + `--${B}--\r\n`)));
    expect(e.code).toBe("InvalidArgument");
    expect(e.message).toBe("POST requires exactly one file upload per request.");
  });

  test("a field twice (any case)", async () => {
    expect((await failure(readPostForm(request(part("key", "a") + part("Key", "b") + filePart("x") + `\r\n--${B}--`)))).code).toBe("AccessDenied");
  });

  test(`more than ${MAX_PRE_FILE_BYTES} bytes of fields before the file`, async () => {
    const ok = await readPostForm(request(part("x-amz-meta-big", "v".repeat(MAX_PRE_FILE_BYTES - 100)) + filePart("x") + `\r\n--${B}--`));
    expect(ok.fields.get("x-amz-meta-big")).toHaveLength(MAX_PRE_FILE_BYTES - 100);
    const e = await failure(
      readPostForm(request(part("a", "v".repeat(MAX_PRE_FILE_BYTES / 2)) + part("b", "v".repeat(MAX_PRE_FILE_BYTES / 2)) + filePart("x"))),
    );
    expect(e.code).toBe("MaxPostPreDataLengthExceeded");
  });
});
