// cluster/: drive arguments, erasure-set layout and (later) internode RPC, remote drives and locks.
export * from "./config-error.ts";
export * from "./ellipses.ts";
export * from "./endpoints.ts";
export * from "./host-port.ts";
export * from "./set-layout.ts";
export * from "./storage-class.ts";
export * from "./url-endpoints.ts";
