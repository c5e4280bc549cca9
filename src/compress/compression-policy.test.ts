import { describe, expect, test } from "bun:test";
import { CompressError } from "./compress-error.ts";
import { COMPRESSION_OFF, DEFAULT_COMPRESSION_EXTENSIONS, compressionPolicyFromEnv, shouldCompress, wildcardMatch } from "./compression-policy.ts";

const on = compressionPolicyFromEnv({ MINIO_COMPRESS_ENABLE: "on" });
const big = 1 << 20;

describe("compressionPolicyFromEnv", () => {
  test("off unless enabled; the defaults once on", () => {
    expect(compressionPolicyFromEnv({})).toEqual(COMPRESSION_OFF);
    expect(compressionPolicyFromEnv({ MINIO_COMPRESS_ENABLE: "off", MINIO_COMPRESS_EXTENSIONS: "" })).toEqual(COMPRESSION_OFF);
    expect(on).toEqual({
      enabled: true,
      allowEncryption: false,
      extensions: [...DEFAULT_COMPRESSION_EXTENSIONS],
      mimeTypes: ["text/*", "application/json", "application/xml", "binary/octet-stream"],
    });
  });

  test("reads MinIO's boolean words, the legacy names and the stored config", () => {
    for (const v of ["on", "true", "1", "ENABLED"]) expect(compressionPolicyFromEnv({ MINIO_COMPRESS_ENABLE: v }).enabled).toBe(true);
    expect(compressionPolicyFromEnv({ MINIO_COMPRESS: "on", MINIO_COMPRESS_ENABLE: "off" }).enabled).toBe(true);
    expect(compressionPolicyFromEnv({}, { enable: "on", extensions: ".md", mime_types: "" })).toMatchObject({
      enabled: true,
      extensions: [".md"],
      mimeTypes: [],
    });
    expect(compressionPolicyFromEnv({ MINIO_COMPRESS_ENABLE: "on", MINIO_COMPRESS_EXTENSIONS: ".a,.b" }, { extensions: ".c" }).extensions).toEqual([
      ".a",
      ".b",
    ]);
    const p = compressionPolicyFromEnv({ MINIO_COMPRESS_ENABLE: "on", MINIO_COMPRESS_MIMETYPES: "a/b", MINIO_COMPRESS_ALLOW_ENCRYPTION: "on" });
    expect(p.mimeTypes).toEqual(["a/b"]);
    expect(p.allowEncryption).toBe(true);
  });

  test("refuses unreadable values with InvalidArgument", () => {
    const bad = [
      { MINIO_COMPRESS_ENABLE: "maybe" },
      { MINIO_COMPRESS_ENABLE: "on", MINIO_COMPRESS_ALLOW_ENCRYPTION: "yes" },
      { MINIO_COMPRESS_ENABLE: "on", MINIO_COMPRESS_EXTENSIONS: ".txt,,.log" },
      { MINIO_COMPRESS_ENABLE: "on", MINIO_COMPRESS_MIME_TYPES: "/" },
    ];
    for (const env of bad) {
      let err: unknown;
      try {
        compressionPolicyFromEnv(env);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CompressError);
      expect((err as CompressError).kind).toBe("InvalidArgument");
    }
  });
});

describe("shouldCompress", () => {
  test("by extension (case-insensitive) or by MIME pattern", () => {
    expect(shouldCompress(on, { key: "logs/app.LOG", contentType: "", size: big })).toBe(true);
    expect(shouldCompress(on, { key: "data", contentType: "text/plain; charset=utf-8", size: big })).toBe(true);
    expect(shouldCompress(on, { key: "data", contentType: "application/json", size: big })).toBe(true);
    expect(shouldCompress(on, { key: "data", contentType: "application/json; charset=utf-8", size: big })).toBe(false);
    expect(shouldCompress(on, { key: "photo.webp", contentType: "image/webp", size: big })).toBe(false);
  });

  test("only objects over 4 KiB of known size", () => {
    expect(shouldCompress(on, { key: "a.txt", contentType: "", size: 4096 })).toBe(false);
    expect(shouldCompress(on, { key: "a.txt", contentType: "", size: 4097 })).toBe(true);
    expect(shouldCompress(on, { key: "a.txt", contentType: "", size: -1 })).toBe(false);
  });

  test("never already-compressed names or types, even when everything is included", () => {
    const all = compressionPolicyFromEnv({ MINIO_COMPRESS_ENABLE: "on", MINIO_COMPRESS_EXTENSIONS: "*" });
    for (const key of ["a.gz", "a.tar.bz2", "a.ZIP", "a.7z", "a.xz", "v.mp4", "v.mkv", "v.mov", "p.jpg", "p.png", "p.gif", "a.rar"]) {
      expect(shouldCompress(all, { key, contentType: "", size: big })).toBe(false);
    }
    for (const contentType of ["video/mp4", "audio/ogg", "application/zip", "application/x-gzip", "application/x-zip-compressed", "application/x-spoon"]) {
      expect(shouldCompress(all, { key: "a.txt", contentType, size: big })).toBe(false);
    }
    // MinIO's list spells it " application/x-compress" (leading space), so this type is not excluded.
    expect(shouldCompress(all, { key: "a.txt", contentType: "application/x-compress", size: big })).toBe(true);
  });

  test("encrypted objects only with allow_encryption; empty include lists include everything", () => {
    expect(shouldCompress(on, { key: "a.txt", contentType: "", size: big, encrypted: true })).toBe(false);
    const enc = compressionPolicyFromEnv({ MINIO_COMPRESS_ENABLE: "on", MINIO_COMPRESS_ALLOW_ENCRYPTION: "on" });
    expect(shouldCompress(enc, { key: "a.txt", contentType: "", size: big, encrypted: true })).toBe(true);
    const everything = compressionPolicyFromEnv({}, { enable: "on", extensions: "", mime_types: "" });
    expect(shouldCompress(everything, { key: "x.bin2", contentType: "image/webp", size: big })).toBe(true);
    expect(shouldCompress(COMPRESSION_OFF, { key: "a.txt", contentType: "text/plain", size: big })).toBe(false);
  });
});

test("wildcardMatch", () => {
  expect(wildcardMatch("text/*", "text/")).toBe(true);
  expect(wildcardMatch("text/*", "TEXT/plain")).toBe(false);
  expect(wildcardMatch("*/json", "application/json")).toBe(true);
  expect(wildcardMatch("a*b*c", "aXbYc")).toBe(true);
  expect(wildcardMatch("a*b*c", "acb")).toBe(false);
  expect(wildcardMatch("ab*ba", "aba")).toBe(false);
  expect(wildcardMatch("", "")).toBe(true);
});
