// The default-retention rule of an object-lock configuration, which makes writes refused until
// it can be applied: found with its mode and period, absent for a plain "lock enabled" document.
import { expect, test } from "bun:test";
import { ObjectError } from "./object-error.ts";
import { defaultRetentionOf, refuseDefaultRetention } from "./object-lock.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

test("a rule's mode and period are found; documents without one have none", () => {
  expect(
    defaultRetentionOf(
      enc(
        `<ObjectLockConfiguration ${NS}><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Years>1</Years></DefaultRetention></Rule></ObjectLockConfiguration>`,
      ),
    ),
  ).toBe("COMPLIANCE 1 years");
  expect(
    defaultRetentionOf(
      enc(`<ObjectLockConfiguration><Rule><DefaultRetention>\n <Mode> GOVERNANCE </Mode>\n <Days>7</Days></DefaultRetention></Rule></ObjectLockConfiguration>`),
    ),
  ).toBe("GOVERNANCE 7 days");
  expect(defaultRetentionOf(enc(`<ObjectLockConfiguration ${NS}><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`))).toBeUndefined();
  expect(defaultRetentionOf(null)).toBeUndefined();
  expect(defaultRetentionOf(new Uint8Array())).toBeUndefined();
});

test("refuseDefaultRetention throws NotImplemented naming the bucket and the rule", () => {
  const rule = enc(
    "<ObjectLockConfiguration><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>30</Days></DefaultRetention></Rule></ObjectLockConfiguration>",
  );
  let err: unknown;
  try {
    refuseDefaultRetention("b", rule);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ObjectError);
  expect([(err as ObjectError).kind, (err as ObjectError).message]).toEqual([
    "Unsupported",
    expect.stringContaining('"b" has a default object-lock retention rule (GOVERNANCE 30 days)'),
  ]);
  expect(() => refuseDefaultRetention("b", null)).not.toThrow();
});
