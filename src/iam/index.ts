// iam/: who a request comes from and what it may do — the policy language (bucket and identity
// policies), users, groups, canned policies, service accounts and temporary credentials stored
// where MinIO keeps them (.minio.sys/config/iam/), and the authorization decision.
export { actionsFor, ADMIN_ACTIONS, KMS_ACTIONS, resourceArn, S3_ACTIONS, type PolicyCheck, type S3Operation } from "./policy/actions.ts";
export { evaluate, evaluateCheck, type PolicyDecision, type PolicyRequest } from "./policy/evaluate.ts";
export { MAX_POLICY_BYTES, parsePolicy, type BucketPolicy, type ParseOptions, type PolicyStatement } from "./policy/policy.ts";
export { PolicyError, isPolicyError, type PolicyErrorKind } from "./policy/policy-error.ts";
export type { ConditionValues } from "./policy/conditions.ts";
export { IamSystem, checkAccessKey, checkSecretKey, generateKeys, type IamConfig } from "./iam-system.ts";
export { IamAdmin, type GroupView, type Status, type UserView } from "./iam-admin.ts";
export {
  DerivedCredentials,
  type IssuedCredentials,
  type NewServiceAccount,
  type ServiceAccountUpdate,
  type ServiceAccountView,
} from "./derived-credentials.ts";
export { IamError, isIamError, type IamErrorKind } from "./iam-error.ts";
export type { Credential, Identity, IdentityKind, AccessRequest } from "./identities.ts";
export { userPolicyNames, policyByName } from "./identities.ts";
export type { IamCodec, IamStorage } from "./iam-store.ts";
export { PLAIN_CODEC } from "./iam-store.ts";
export { BUILTIN_POLICIES } from "./builtin-policies.ts";
export { signSessionToken, verifySessionToken } from "./session-token.ts";
export { EXPORT_FILES, exportIam, importIam, type IamExport } from "./iam-transfer.ts";
export {
  claimedPolicies,
  isOpenIdError,
  openIdParent,
  OpenIdError,
  OpenIdVerifier,
  type VerifiedToken,
} from "./openid.ts";
export { LdapDirectory } from "./ldap.ts";
export { LdapPolicies, type LdapAssociation } from "./ldap-policies.ts";
