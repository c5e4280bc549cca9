// Errors of the admin API (/minio/admin/v3/…) as madmin clients read them: a JSON body with
// Code, Message, Resource, RequestId and HostId (the fields madmin's error parser takes), with
// the HTTP status MinIO answers for that code.

/** The codes the admin API answers with, and their status and default message. */
export const ADMIN_ERRORS = {
  AccessDenied: { status: 403, message: "Access Denied." },
  InvalidAccessKeyId: { status: 403, message: "The Access Key Id you provided does not exist in our records." },
  SignatureDoesNotMatch: { status: 403, message: "The request signature we calculated does not match the signature you provided." },
  XMinioAdminInvalidArgument: { status: 400, message: "Invalid arguments specified." },
  XMinioDecommissionNotAllowed: { status: 400, message: "Decommission is not allowed." },
  MethodNotAllowed: { status: 405, message: "The specified method is not allowed against this resource." },
  NotImplemented: { status: 501, message: "A header you provided implies functionality that is not implemented" },
  ServiceUnavailable: { status: 503, message: "The service is unavailable. Please retry." },
} as const;

export type AdminErrorCode = keyof typeof ADMIN_ERRORS;

export class AdminError extends Error {
  override name = "AdminError";
  readonly status: number;

  constructor(
    readonly code: AdminErrorCode | string,
    message?: string,
    status?: number,
  ) {
    const known = (ADMIN_ERRORS as Record<string, { status: number; message: string }>)[code];
    super(message ?? known?.message ?? code);
    this.status = status ?? known?.status ?? 400;
  }
}

/** The JSON error answer for `err` on `path`. */
export function adminErrorResponse(err: AdminError, path: string, requestId: string, hostId = ""): Response {
  const body = JSON.stringify({ Code: err.code, Message: err.message, Resource: path, RequestId: requestId, HostId: hostId });
  return new Response(body, { status: err.status, headers: { "content-type": "application/json", "x-amz-request-id": requestId } });
}
