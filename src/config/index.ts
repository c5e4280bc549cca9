// config/: the command line, environment and drive arguments (endpoints, ellipses, set layout,
// storage classes) → one frozen plain Config; the only reader of process.env.
export * from "./config.ts";
export { FLAGS, goDurationMs, type Env, type FlagSpec } from "./config-flags.ts";
export * from "./config-error.ts";
export * from "./ellipses.ts";
export * from "./endpoints.ts";
export * from "./host-port.ts";
export * from "./set-layout.ts";
export * from "./storage-class.ts";
export * from "./url-endpoints.ts";
export * from "./volume-layout.ts";
export * from "./kms-config.ts";
export * from "./identity-openid.ts";
export * from "./identity-ldap.ts";
export * from "./config-kv.ts";
export * from "./config-subsystems.ts";
export * from "./config-stored.ts";
export * from "./config-kv-edit.ts";
export * from "./api-config.ts";
