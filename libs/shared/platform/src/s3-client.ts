import { Client } from 'minio';
import { z } from 'zod';
import { s3Env } from './config';

export type S3Settings = Pick<z.infer<typeof s3Env>, 'S3_ENDPOINT' | 'S3_ACCESS_KEY' | 'S3_SECRET_KEY' | 'S3_REGION'>;

/** One S3 client factory for every service (artifacts, audit checkpoints); any S3-compatible store. */
export function s3Client(config: S3Settings): Client {
  const url = new URL(config.S3_ENDPOINT);
  const useSSL = url.protocol === 'https:';
  return new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: config.S3_ACCESS_KEY,
    secretKey: config.S3_SECRET_KEY,
    region: config.S3_REGION,
    pathStyle: true,
  });
}
