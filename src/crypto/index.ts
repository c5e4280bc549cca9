// crypto/: MinIO-compatible encryption — the sio-go stream, madmin's EncryptData, the KMSes (the
// built-in static key, the KES client), KMS-encrypted config objects, and SSE: DARE object streams, sealed
// object keys and their MetaSys form. Leaf layer: node:crypto, hash-wasm, our own ChaCha20-Poly1305; I/O only in KesKms.
export { CryptoError, type CryptoErrorKind } from "./crypto-error.ts";
export { type SioAlgorithm, type SioOptions, sioDecrypt, sioEncrypt, sioEncryptedSize } from "./sio-stream.ts";
export {
  type MadminAlgorithm,
  type MadminDecryptOptions,
  type MadminEncryptOptions,
  looksMadminEncrypted,
  madminDecrypt,
  madminEncrypt,
} from "./madmin-crypt.ts";
export { BuiltinKms, type BuiltinKmsOptions, type DataKey, type KmsContext, kmsContextJson } from "./kms-builtin.ts";
export type { Kms } from "./kms.ts";
export { KesKms } from "./kms-kes.ts";
export { type KesClientCertificate, kesApiKeyCertificate, kesClientCertificate } from "./kes-identity.ts";
export { type EncryptConfigOptions, type ReadConfigOptions, decryptConfig, encryptConfig, readConfigBytes } from "./config-crypt.ts";
export { DARE_PACKAGE_SIZE, DARE_PAYLOAD_SIZE, type DareCipher } from "./dare-package.ts";
export {
  type DareDecryptOptions,
  type DareEncryptOptions,
  type DarePackagesOptions,
  dareDecrypt,
  dareDecryptPackages,
  dareDecryptedSize,
  dareEncrypt,
  dareEncryptedSize,
} from "./dare.ts";
export { type DarePart, type DarePartRange, type DareRange, dareMultipartRange, dareRange } from "./dare-range.ts";
export { DareDecryptor, type DareDecryptorOptions, DareEncryptor, dareDecryptTransform, dareEncryptTransform } from "./dare-stream.ts";
export {
  type SealAlgorithm,
  type SealedKey,
  type SealOptions,
  type SseDomain,
  checksumKey,
  generateObjectKey,
  partKey,
  sealETag,
  sealObjectKey,
  unsealETag,
  unsealObjectKey,
} from "./sse-keys.ts";
export {
  type CreateSseKeyOptions,
  SSE_METADATA,
  type SseKeySource,
  type SseKms,
  type SseMetadata,
  createSseObjectKey,
  isEncryptedMultipart,
  readSealedKey,
  sseDomainOf,
  sseKmsContext,
  unsealSseObjectKey,
} from "./sse-metadata.ts";
