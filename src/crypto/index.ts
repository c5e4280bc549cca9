// crypto/: MinIO-compatible encryption of small payloads — the sio-go stream, madmin's
// EncryptData (admin bodies, old IAM files), the built-in static KMS and KMS-encrypted config
// objects. Leaf layer: node:crypto, hash-wasm and our own ChaCha20-Poly1305; no I/O.
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
export { type EncryptConfigOptions, type ReadConfigOptions, decryptConfig, encryptConfig, readConfigBytes } from "./config-crypt.ts";
