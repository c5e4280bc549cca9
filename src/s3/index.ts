// s3/: the S3 protocol over the ObjectLayer — what server.ts needs to answer S3 requests.
export { createS3Handler, newRequestId, type S3Handler } from "./s3-handler.ts";
export { Authenticator, type AuthenticatorConfig, type CredentialLookup } from "./auth/authenticate.ts";
export type { S3Deps, S3Metrics, StsOpenId } from "./context.ts";
export { RequestLimiter } from "./request-limiter.ts";
export type { CorsPolicy } from "./cors.ts";
