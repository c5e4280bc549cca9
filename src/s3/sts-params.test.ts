// The shared STS parameters: DurationSeconds bounds, the session policy's checks, and the AWS
// parameters we do not apply refused instead of ignored.
import { expect, test } from "bun:test";
import { durationSecondsOf, refuseUnsupportedParams, sessionPolicyOf } from "./sts-params.ts";
import { StsError } from "./sts-response.ts";

const form = (q: Record<string, string>) => new URLSearchParams(q);

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(StsError);
    return (err as StsError).code;
  }
  return "ok";
}

test("DurationSeconds: absent is undefined; 900 to 43200 taken; anything else InvalidParameterValue", () => {
  expect(durationSecondsOf(form({}))).toBeUndefined();
  expect(durationSecondsOf(form({ DurationSeconds: "900" }))).toBe(900);
  expect(durationSecondsOf(form({ DurationSeconds: "43200" }))).toBe(43200);
  for (const bad of ["899", "43201", "1e3", "-900", "abc"])
    expect(codeOf(() => durationSecondsOf(form({ DurationSeconds: bad })))).toBe("InvalidParameterValue");
});

test("the session policy is size- and grammar-checked", () => {
  expect(sessionPolicyOf(form({}))).toBeUndefined();
  const ok = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/*"] }] });
  expect(sessionPolicyOf(form({ Policy: ok }))).toBe(ok);
  expect(codeOf(() => sessionPolicyOf(form({ Policy: "{" })))).toBe("MalformedPolicyDocument");
  expect(codeOf(() => sessionPolicyOf(form({ Policy: "x".repeat(16_385) })))).toBe("PackedPolicyTooLarge");
});

test("managed policies, session tags, MFA, ExternalId, SourceIdentity and ProviderId are refused, RoleArn and RoleSessionName are not", () => {
  expect(codeOf(() => refuseUnsupportedParams(form({ Action: "AssumeRole", RoleArn: "arn:x", RoleSessionName: "s", Policy: "{}" })))).toBe("ok");
  for (const name of [
    "PolicyArns.member.1.arn",
    "Tags.member.1.Key",
    "TransitiveTagKeys.member.1",
    "SerialNumber",
    "TokenCode",
    "ExternalId",
    "SourceIdentity",
    "ProviderId",
  ]) {
    expect(codeOf(() => refuseUnsupportedParams(form({ [name]: "v" })))).toBe("NotImplemented");
  }
});
