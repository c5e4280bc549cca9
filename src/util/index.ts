// util/: leaf helpers shared by every layer; imports nothing from src/.
export * from "./time.ts";
export * from "./compare-keys.ts";
export * from "./msgpack-writer.ts";
export * from "./msgpack-reader.ts";
export * from "./push-stream.ts";
export * from "./checksum.ts";
export * from "./checksum-crc.ts";
export * from "./checksum-blob.ts";
export * from "./metrics.ts";
export * from "./metrics-requests.ts";
export * from "./disposable.ts";
export * from "./pull-through.ts";
export * from "./default-parity.ts";
export * from "./deadline.ts";
export * from "./ldap-dn.ts";
export * from "./trace-hub.ts";
export * from "./logger.ts";
