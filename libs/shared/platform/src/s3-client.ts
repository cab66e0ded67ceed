import { Client } from 'minio';
import { z } from 'zod/v4';
import { s3Env } from './config';

export type S3Settings = Pick<z.infer<typeof s3Env>, 'S3_ENDPOINT' | 'S3_ACCESS_KEY' | 'S3_SECRET_KEY' | 'S3_REGION'>;

export interface S3ClientOptions {
  /**
   * Sign requests with `UNSIGNED-PAYLOAD` instead of the body's SHA-256, also over plain HTTP.
   * Only for bodies that carry their own authentication (our AES-GCM artifact ciphertext): the
   * hash would prove nothing the GCM tags do not, yet costs both client and store a full SHA-256
   * pass over every byte, which is what bounds artifact upload speed on a small machine.
   */
  unsignedPayload?: boolean;
}

/** One S3 client factory for every service (artifacts, audit checkpoints); any S3-compatible store. */
export function s3Client(config: S3Settings, options: S3ClientOptions = {}): Client {
  const url = new URL(config.S3_ENDPOINT);
  const useSSL = url.protocol === 'https:';
  const client = new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: config.S3_ACCESS_KEY,
    secretKey: config.S3_SECRET_KEY,
    region: config.S3_REGION,
    pathStyle: true,
  });
  if (options.unsignedPayload) disablePayloadHashing(client);
  return client;
}

/**
 * minio-js hashes payloads over HTTP whenever its `enableSHA256` flag is set (it sends
 * UNSIGNED-PAYLOAD over HTTPS already) and has no public option for it; fail loudly if a client
 * upgrade renames the flag rather than silently keep hashing.
 */
function disablePayloadHashing(client: Client): void {
  const flags = client as unknown as { enableSHA256?: boolean };
  if (typeof flags.enableSHA256 !== 'boolean') throw new Error('minio client no longer exposes enableSHA256; review s3Client({ unsignedPayload })');
  flags.enableSHA256 = false;
}
