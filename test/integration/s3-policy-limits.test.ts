// Bucket policies that are too big, too deep or of the wrong shape get AWS's 400s
// (PolicyTooLarge, MalformedPolicy) — never a crash or a 5xx — and leave the stored policy as it was.
import { expect, test } from "bun:test";
import { errorOf } from "../support/s3-harness.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "limits";
const GOOD = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/*` }],
});

const { h } = useS3Bucket(null, {
  setup: async () => {
    expect((await h.signed({ method: "PUT", path: `/${B}` })).status).toBe(200);
    expect((await h.signed({ method: "PUT", path: `/${B}`, query: { policy: "" }, body: GOOD })).status).toBe(204);
  },
});

async function put(body: string): Promise<{ status: number; code: string }> {
  const err = await errorOf(await h.signed({ method: "PUT", path: `/${B}`, query: { policy: "" }, body }));
  return { status: err.status, code: err.code };
}

async function storedUnchanged(): Promise<void> {
  expect(await (await h.signed({ path: `/${B}`, query: { policy: "" } })).text()).toBe(GOOD);
}

test("a policy over 20 KiB is PolicyTooLarge", async () => {
  const statement = { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/*` };
  const big = JSON.stringify({ Version: "2012-10-17", Statement: [statement], Id: "x".repeat(21 * 1024) });
  expect(await put(big)).toEqual({ status: 400, code: "PolicyTooLarge" });
  await storedUnchanged();
});

test("deeply nested JSON is MalformedPolicy, wherever it hides", async () => {
  const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
  const bodies = [
    deep(10_000),
    `{"Version":"2012-10-17","Statement":${deep(9_000)}}`,
    `{"Version":${deep(9_000)},"Statement":[]}`,
    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":${deep(9_000)}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::${B}/*"}]}`,
    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::${B}/*","Condition":{"StringEquals":{"aws:UserAgent":${deep(9_000)}}}}]}`,
    '{"a":'.repeat(3_000) + "1" + "}".repeat(3_000),
  ];
  for (const body of bodies) expect(await put(body)).toEqual({ status: 400, code: "MalformedPolicy" });
  await storedUnchanged();
});

test("statements with wrong types are MalformedPolicy", async () => {
  const base = { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/*` };
  const wrong: unknown[] = [
    "not an object",
    { Version: "2012-10-17", Statement: "Allow everything" },
    { Version: "2012-10-17", Statement: [{ ...base, Effect: 1 }] },
    { Version: "2012-10-17", Statement: [{ ...base, Effect: ["Allow"] }] },
    { Version: "2012-10-17", Statement: [{ ...base, Action: 5 }] },
    { Version: "2012-10-17", Statement: [{ ...base, Action: [] }] },
    { Version: "2012-10-17", Statement: [{ ...base, Resource: {} }] },
    { Version: "2012-10-17", Statement: [{ ...base, Principal: ["*"] }] },
    { Version: "2012-10-17", Statement: [{ ...base, Principal: { AWS: 7 } }] },
    { Version: "2012-10-17", Statement: [{ ...base, Condition: [] }] },
    { Version: "2012-10-17", Statement: [{ ...base, Condition: { StringEquals: { "aws:UserAgent": { nested: "object" } } } }] },
    { Version: "2012-10-17", Statement: [{ ...base, Sid: 5 }] },
    { Version: 2012, Statement: [base] },
    { Version: "2012-10-17", Statement: [base], Id: ["x"] },
    { Version: "2012-10-17", Statement: [null] },
    null,
    [base],
    42,
  ];
  for (const doc of wrong) expect({ doc, ...(await put(JSON.stringify(doc))) }).toEqual({ doc, status: 400, code: "MalformedPolicy" });
  expect(await put("{not json")).toEqual({ status: 400, code: "MalformedPolicy" });
  await storedUnchanged();
});
