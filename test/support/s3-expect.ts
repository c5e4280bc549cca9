// Assertions on AWS SDK failures: the S3 error code (the SDK's `name`) and the HTTP status.
import { expect } from "bun:test";

export interface SdkError {
  name: string;
  Code?: string;
  message: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { headers: Record<string, string> };
}

/** Awaits `p`, which must fail with S3 code `code` (and `status`, when given); returns the error. */
export async function rejectsWith(p: Promise<unknown>, code: string, status?: number): Promise<SdkError> {
  const err = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as SdkError | undefined;
  if (err === undefined) throw new Error(`expected ${code}, but the request succeeded`);
  expect({ code: err.Code ?? err.name, status: err.$metadata?.httpStatusCode }).toEqual({ code, status: status ?? err.$metadata?.httpStatusCode });
  return err;
}

/** Collects a stream (or SDK body) into one buffer. */
export async function bytesOf(body: { transformToByteArray(): Promise<Uint8Array> } | undefined): Promise<Buffer> {
  if (!body) throw new Error("no body");
  return Buffer.from(await body.transformToByteArray());
}
