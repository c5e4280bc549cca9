// The KMS variables kept for the start, and the secrets among them the log must hide.
import { expect, test } from "bun:test";
import { kmsOf } from "./kms-config.ts";

const none = () => undefined;

test("only set MINIO_KMS_* variables are kept; nothing set is no KMS", () => {
  expect(kmsOf({}, none)).toEqual({ env: {}, secrets: [], customerKeysOverHttp: false });
  const kept = kmsOf({ MINIO_KMS_KES_ENDPOINT: "https://kes:7373", MINIO_KMS_KES_KEY_NAME: "", MINIO_ROOT_USER: "x" }, none);
  expect(kept.env).toEqual({ MINIO_KMS_KES_ENDPOINT: "https://kes:7373" });
});

test("the built-in key (from the variable or its file), its base64 part, the API key and the key password are secrets", () => {
  const material = "cXVpdGUgYSBzZWNyZXQga2V5IG9mIDMyIGJ5dGVzIQ==";
  expect(kmsOf({ MINIO_KMS_SECRET_KEY: `k:${material}` }, none).secrets).toEqual([`k:${material}`, material]);
  const fromFile = kmsOf({ MINIO_KMS_SECRET_KEY_FILE: "/run/key" }, (p) => (p === "/run/key" ? ` f:${material}\n` : undefined));
  expect(fromFile.secrets).toEqual([`f:${material}`, material]);
  expect(kmsOf({ MINIO_KMS_SECRET_KEY_FILE: "/nope" }, none).secrets).toEqual([]);
  const kes = kmsOf({ MINIO_KMS_KES_API_KEY: " kes:v1:abc ", MINIO_KMS_KES_KEY_PASSWORD: "pw" }, none);
  expect(kes.secrets).toEqual(["kes:v1:abc", "pw"]);
});

test("BUNKER_SSE_C_ALLOW_HTTP takes on/off spellings and refuses others", () => {
  expect(kmsOf({ BUNKER_SSE_C_ALLOW_HTTP: "on" }, none).customerKeysOverHttp).toBe(true);
  expect(kmsOf({ BUNKER_SSE_C_ALLOW_HTTP: "false" }, none).customerKeysOverHttp).toBe(false);
  expect(() => kmsOf({ BUNKER_SSE_C_ALLOW_HTTP: "maybe" }, none)).toThrow(/BUNKER_SSE_C_ALLOW_HTTP/);
});
