// The KMS variables: the built-in key from the variable or a file, external KMSes refused.
import { expect, test } from "bun:test";
import { ConfigError } from "./config-error.ts";
import { kmsOf } from "./kms-config.ts";

const none = () => undefined;

test("MINIO_KMS_SECRET_KEY, or its _FILE form, names the built-in key; nothing set is no KMS", () => {
  expect(kmsOf({}, none)).toEqual({});
  expect(kmsOf({ MINIO_KMS_SECRET_KEY: "k:abc" }, none)).toEqual({ secretKey: "k:abc", source: "MINIO_KMS_SECRET_KEY" });
  expect(kmsOf({ MINIO_KMS_SECRET_KEY_FILE: "/run/key" }, (p) => (p === "/run/key" ? " k:def\n" : undefined))).toEqual({
    secretKey: "k:def",
    source: "MINIO_KMS_SECRET_KEY_FILE",
  });
});

test("an unreadable key file and an external KMS are refused at start, never ignored", () => {
  expect(() => kmsOf({ MINIO_KMS_SECRET_KEY_FILE: "/nope" }, none)).toThrow(ConfigError);
  expect(() => kmsOf({ MINIO_KMS_KES_ENDPOINT: "https://kes:7373" }, none)).toThrow(/external KMS is not supported/);
});
