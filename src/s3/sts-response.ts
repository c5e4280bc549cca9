// What every STS action answers with: the credentials document the AWS SDKs and minio-go parse
// (`<Action>Response` / `<Action>Result`, STS's namespace), and StsError with its error document.
import { escapeXml, XML_DECLARATION } from "./xml-escape.ts";

const STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";

/** An STS refusal: the code AWS STS names it by, a message saying why, and the HTTP status. */
export class StsError extends Error {
  override name = "StsError";

  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** STS's error document (Type Sender for the caller's mistakes, Receiver for ours). */
export function stsErrorResponse(err: StsError, requestId: string): Response {
  const type = err.status >= 500 ? "Receiver" : "Sender";
  const body = `${XML_DECLARATION}<ErrorResponse xmlns="${STS_XMLNS}"><Error><Type>${type}</Type><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return new Response(body, { status: err.status, headers: { "content-type": "application/xml" } });
}

/** The success document of `action`; `extra` is more of the result's elements, already rendered. */
export function credentialsXml(
  action: string,
  creds: { accessKey: string; secretKey: string; sessionToken?: string; expiration?: string },
  requestId: string,
  extra = "",
): Response {
  const body =
    `${XML_DECLARATION}<${action}Response xmlns="${STS_XMLNS}"><${action}Result>${extra}<Credentials>` +
    `<AccessKeyId>${escapeXml(creds.accessKey)}</AccessKeyId><SecretAccessKey>${escapeXml(creds.secretKey)}</SecretAccessKey>` +
    `<SessionToken>${escapeXml(creds.sessionToken ?? "")}</SessionToken><Expiration>${escapeXml(creds.expiration ?? "")}</Expiration>` +
    `</Credentials></${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  return new Response(body, { headers: { "content-type": "application/xml" } });
}
