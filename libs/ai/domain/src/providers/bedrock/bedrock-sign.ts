import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { ProviderCredential, UpstreamRequest } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';

export interface SigningScope {
  region: string;
  service: string;
  /** fixed only by tests against published signature vectors */
  signingDate?: Date;
}

/**
 * Signs a request with AWS Signature Version 4 (the maintained smithy signer). The host header is
 * signed as the URL names it, so the transport must send the request to exactly that URL.
 * A Bedrock API key (`api_key`) is sent as a bearer token instead.
 */
export async function signAws(req: UpstreamRequest, credential: ProviderCredential, scope: SigningScope): Promise<UpstreamRequest> {
  if (credential.api_key) return { ...req, headers: { ...req.headers, authorization: `Bearer ${credential.api_key}` } };
  const accessKeyId = credential.aws_access_key_id;
  const secretAccessKey = credential.aws_secret_access_key;
  if (!accessKeyId || !secretAccessKey) throw new UpstreamError('auth', 'bedrock: the stored credential needs aws_access_key_id and aws_secret_access_key (or a Bedrock api_key)');
  const signer = new SignatureV4({
    service: scope.service,
    region: scope.region,
    credentials: { accessKeyId, secretAccessKey, ...(credential.aws_session_token ? { sessionToken: credential.aws_session_token } : {}) },
    sha256: Hash.bind(null, 'sha256'),
    // x-amz-content-sha256 is S3's; other services sign the payload hash without the header
    applyChecksum: false,
  });
  const url = new URL(req.url);
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => (query[k] = v));
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      // already percent-encoded once; SigV4 for non-S3 services encodes the canonical path again
      path: url.pathname,
      query,
      headers: { ...req.headers, host: url.host },
      ...(req.body !== undefined ? { body: req.body } : {}),
    },
    scope.signingDate ? { signingDate: scope.signingDate } : {},
  );
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v;
  return { ...req, headers };
}
