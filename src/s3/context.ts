// What an S3 handler receives (the parsed request, who signed it, the dependencies) and the
// small helpers every handler uses to answer: XML documents and empty responses.
import type { CompressionPolicy } from "../compress/index.ts";
import type { Kms } from "../crypto/index.ts";
import type { ObjectLayer } from "../object/index.ts";
import type { TraceHub } from "../util/index.ts";
import type { AuthResult, Authenticator } from "./auth/authenticate.ts";
import type { CorsPolicy } from "./cors.ts";
import type { RequestLimiter } from "./request-limiter.ts";
import type { BucketPolicy, DerivedCredentials, Identity, LdapPolicies, OpenIdVerifier, PolicyDecision, S3Operation } from "../iam/index.ts";
import { S3_XMLNS, XML_DECLARATION, xmlDocument, type XmlObject } from "./xml.ts";

type HeaderInit = Headers | Record<string, string>;

/** Why a request was refused before its handler ran: a signature or policy, a header, the clock, the request itself. */
export type RejectReason = "auth" | "header" | "timestamp" | "invalid";

/** Per-request accounting the server's metrics registry provides. */
export interface S3Metrics {
  observeRequest(api: string, status: number, seconds: number, bytesIn: number, bytesOut: number): void;
  /** A request of `api` is being served (until its response is ready); paired with requestFinished. */
  requestStarted?(api: string): void;
  requestFinished?(api: string): void;
  /** A request refused at the front door (4xx before the handler). */
  rejected?(reason: RejectReason): void;
}

/** What STS needs from the server: where temporary credentials are issued. */
export interface StsDeps {
  derived: DerivedCredentials;
  /** The OpenID provider AssumeRoleWithWebIdentity and AssumeRoleWithClientGrants trust; absent: both are refused. */
  openid?: StsOpenId;
  /** The LDAP directory AssumeRoleWithLDAPIdentity checks logins with, and its policy mappings; absent: refused. */
  ldap?: Pick<LdapPolicies, "login">;
}

/** An OpenID Connect provider as STS uses it (iam's OpenIdVerifier checks the tokens). */
export interface StsOpenId {
  verifier: Pick<OpenIdVerifier, "verify">;
  /** The claim naming a token's policies (claim mode), prefix included. */
  policyClaim: string;
  /** Role-policy mode: the RoleArn callers must pass and the policies every session gets. */
  role?: { arn: string; policies: readonly string[] };
}

/** The IAM questions authorization asks (iam's IamSystem answers them). */
export interface IdentityPolicies {
  /** The identity of a known, enabled access key (null: not an IAM identity). */
  identity(accessKey: string): Identity | null;
  decide(identity: Identity, req: { action: string; resource: string; conditions: Readonly<Record<string, readonly string[]>> }): PolicyDecision;
}

/**
 * What bucket quotas need of the server's usage count (admin's UsageCache provides it): each
 * bucket's bytes as this server knows them, and the writes and deletes it acknowledges.
 */
export interface BucketUsageLedger {
  /** Makes the bucket's bytes known (counting the bucket when no count has yet). */
  load(bucket: string): Promise<void>;
  /** The bucket's bytes now, writes in flight included (after load). */
  bytes(bucket: string): number;
  /** Holds `bytes` for a write in flight until it is settled (acknowledged: `delta` bytes count) or cancelled. */
  reserve(bucket: string, bytes: number): { settle(delta: number): void; cancel(): void };
  /** Bytes an acknowledged delete freed (negative) or a write added. */
  adjust(bucket: string, delta: number): void;
}

/** Everything the S3 layer needs from the server, built once at start-up. */
export interface S3Deps {
  layer: ObjectLayer;
  auth: Authenticator;
  /** Region reported by GetBucketLocation and expected in signatures. */
  region: string;
  /** False when no region was configured: CreateBucket then takes any LocationConstraint (as MinIO). */
  regionConfigured: boolean;
  /** Domains for virtual-host-style requests. */
  domains: readonly string[];
  /** The root access key: allowed everything. */
  rootAccessKey: string;
  /** Who an access key is and what its identity policies decide (IAM). */
  identities: IdentityPolicies;
  /** STS (AssumeRole…) on the service root; absent: STS calls are refused. */
  sts?: StsDeps;
  /** Identifies this server in x-amz-id-2 / HostId. */
  hostId: string;
  metrics?: S3Metrics;
  /** Live request traces (admin trace); published only while someone listens. */
  trace?: TraceHub;
  /** Where unexpected errors are reported (with the request id). */
  logError?: (requestId: string, err: unknown) => void;
  /** Bucket usage for hard quotas; absent: a write to a bucket with a quota is refused (it cannot be enforced). */
  usage?: BucketUsageLedger;
  /** S3 requests served at once (api requests_max); absent: no limit. STS calls and CORS preflights are not counted. */
  limiter?: RequestLimiter;
  /** Origins browsers may call from (api cors_allow_origin); absent: no CORS headers, preflights are refused. */
  cors?: CorsPolicy;
  /** The KMS for SSE-S3 and SSE-KMS; absent: those are refused (NotImplemented), SSE-C still works. */
  kms?: Kms;
  /** MINIO_KMS_AUTO_ENCRYPTION: writes that ask for no encryption (and whose bucket has no default) get SSE-S3. */
  autoEncryption?: boolean;
  /** MINIO_COMPRESS_*: which new objects are stored S2-compressed; absent: none. */
  compression?: CompressionPolicy;
  /** SSE-C over plain HTTP is refused unless this is set (BUNKER_SSE_C_ALLOW_HTTP; MinIO refuses it always). */
  customerKeysOverHttp?: boolean;
}

export interface S3Context {
  readonly req: Request;
  readonly url: URL;
  readonly query: URLSearchParams;
  /** "" for service-level requests. */
  readonly bucket: string;
  /** "" for bucket-level requests. */
  readonly key: string;
  readonly auth: AuthResult;
  readonly requestId: string;
  readonly deps: S3Deps;
  /** The client's address, for policy conditions (aws:SourceIp). */
  readonly remoteAddress?: string;
  /** Parsed bucket policies by their stored bytes, shared by the server's requests. */
  readonly policies: WeakMap<Uint8Array, BucketPolicy>;
}

export type Handler = (ctx: S3Context) => Promise<Response>;

/** A resolved request: its S3 API name and the handler that serves it. */
export interface Operation {
  /** The S3 API name, e.g. "GetObject"; iam/policy/actions.ts maps it to the actions it needs. */
  name: S3Operation;
  handler: Handler;
}

export function xmlResponse(root: string, content: XmlObject, opts: { status?: number; headers?: HeaderInit; namespace?: string | false } = {}): Response {
  const headers = new Headers(opts.headers);
  headers.set("content-type", "application/xml");
  return new Response(xmlDocument(root, content, { namespace: opts.namespace }), { status: opts.status ?? 200, headers });
}

/** A document whose children were rendered already (kept in order, e.g. versions and delete markers). */
export function rawXmlResponse(root: string, inner: string, headers?: HeaderInit): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/xml");
  return new Response(`${XML_DECLARATION}<${root} xmlns="${S3_XMLNS}">${inner}</${root}>`, { headers: h });
}

export function emptyResponse(status = 200, headers?: HeaderInit): Response {
  return new Response(null, { status, headers });
}

/** The access key of a signed request, or "" for anonymous. */
export function accessKeyOf(auth: AuthResult): string {
  return auth.kind === "signed" ? auth.accessKey : "";
}
