// admin/: MinIO-compatible operator endpoints — health probes, Prometheus metrics and the admin
// API (/minio/admin/v3/: IAM, pools, server info, heal, service; /minio/kms/v1/: the KMS) — over the object
// store; server.ts routes /minio/health/*, /minio/v2/metrics/*, /minio/admin/*, /minio/kms/* (and the legacy /minio/prometheus/metrics)
// here before the S3 router.
export { createAdminHandler, type AdminConfig, type AdminDeps, type AdminHandler } from "./admin-handler.ts";
export type { AdminSet, AdminStore, DriveState, DriveStats, StorageView } from "./admin-store.ts";
export { evaluateHealth, type DrivePosition, type HealthResult, type SetHealth } from "./health.ts";
export { bearerToken, signPrometheusToken, verifyPrometheusToken, PROMETHEUS_TOKEN_LIFETIME_S, type TokenCheck } from "./prometheus-auth.ts";
export { readProcessStats, type ProcReader, type ProcessStats } from "./process-stats.ts";
export { UsageCache, type BucketUsage, type UsageCacheOptions, type UsageSnapshot } from "./usage-cache.ts";
export { AdminError, ADMIN_ERRORS, type AdminErrorCode } from "./admin-error.ts";
export type { AdminApiDeps } from "./admin-api.ts";
export type { PoolAdmin, PoolView } from "./pools-api.ts";
export type { HealStats, ServerAdminDeps, ServerNode, ServerProps, ServerStore, ServiceControl } from "./server-deps.ts";
export { HealSequences, type HealSequencesOptions } from "./heal-sequences.ts";
export type { AdminCaller, AdminRequest } from "./admin-request.ts";
export type { IamApiDeps } from "./iam-routes.ts";
export { logFeedSource, type LogApiDeps, type LogSource } from "./log-api.ts";
export { traceFeedSource, type TraceApiDeps, type TraceFilter } from "./trace-api.ts";
export type { FeedKind, FeedSource, PeerFeed } from "./peer-feed.ts";
export type { QuotaApiDeps } from "./quota-api.ts";
export type { KmsApiDeps, KmsKeyStatus, KmsStatus } from "./kms-api.ts";
export type { ConfigHelp, ConfigHelpKey, ConfigKvApi } from "./config-api.ts";
