// POST Object forms as clients build them: signed policy fields (SigV2 as s3-tests and old SDKs
// sign, SigV4 as browsers' SDK helpers do) and multipart/form-data bodies, either from the Web
// FormData (a browser) or framed the way Python requests frames `files=` (every part a file).
import { createHmac } from "node:crypto";
import { signingKey } from "./aws-chunked.ts";

export type Field = [string, string];
export type Condition = Record<string, string> | (string | number)[];

export interface FormFile {
  content: string | Uint8Array;
  /** The filename parameter of the file part (requests: the field name when none is given). */
  filename?: string;
  type?: string;
}

function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

const b64 = (doc: unknown) => Buffer.from(typeof doc === "string" ? doc : JSON.stringify(doc)).toString("base64");

/** AWSAccessKeyId, policy and signature fields (SigV2 HMAC-SHA1 over the base64 policy). */
export function v2Fields(doc: unknown, accessKey: string, secret: string): Field[] {
  const policy = b64(doc);
  return [
    ["AWSAccessKeyId", accessKey],
    ["policy", policy],
    ["signature", createHmac("sha1", secret).update(policy).digest("base64")],
  ];
}

/** The x-amz-* credential fields and signature of a SigV4 policy; they are added to its conditions. */
export function v4Fields(doc: { expiration: string; conditions: Condition[] }, accessKey: string, secret: string, region = "us-east-1"): Field[] {
  const date = amzDate(new Date());
  const credential = `${accessKey}/${date.slice(0, 8)}/${region}/s3/aws4_request`;
  const full = {
    ...doc,
    conditions: [...doc.conditions, { "x-amz-algorithm": "AWS4-HMAC-SHA256" }, { "x-amz-credential": credential }, { "x-amz-date": date }],
  };
  const policy = b64(full);
  const signature = createHmac("sha256", signingKey(secret, date.slice(0, 8), region))
    .update(policy)
    .digest("hex");
  return [
    ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
    ["X-Amz-Credential", credential],
    ["X-Amz-Date", date],
    ["Policy", policy],
    ["X-Amz-Signature", signature],
  ];
}

/** An expiration `seconds` from now, as s3-tests writes it (no fraction). */
export function expiresIn(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The form as a browser sends it (Web FormData, the file last). */
export async function browserForm(fields: Field[], file: FormFile): Promise<{ body: Uint8Array; type: string }> {
  const fd = new FormData();
  for (const [k, v] of fields) fd.append(k, v);
  fd.append("file", new File([file.content], file.filename ?? "blob", file.type ? { type: file.type } : {}), file.filename ?? "blob");
  const encoded = new Response(fd);
  const type = encoded.headers.get("content-type")!; // read before the body: Bun drops it afterwards
  return { body: new Uint8Array(await encoded.arrayBuffer()), type };
}

/**
 * The form as Python requests sends `files=OrderedDict(...)`: every part, fields included,
 * carries a filename (the field's own name), and no part has a Content-Type.
 */
export function requestsForm(fields: Field[], file: FormFile, boundary = crypto.randomUUID().replaceAll("-", "")): { body: Uint8Array; type: string } {
  const parts: Buffer[] = [];
  const part = (name: string, filename: string, content: string | Uint8Array, type?: string) => {
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\n${type ? `Content-Type: ${type}\r\n` : ""}\r\n`;
    parts.push(Buffer.from(head), Buffer.from(content), Buffer.from("\r\n"));
  };
  for (const [k, v] of fields) part(k, k, v);
  part("file", file.filename ?? "file", file.content, file.type);
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: new Uint8Array(Buffer.concat(parts)), type: `multipart/form-data; boundary=${boundary}` };
}
