import { s3Client } from './s3-client';

const settings = { S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY: 'k', S3_SECRET_KEY: 's', S3_REGION: 'us-east-1' };
const hashing = (c: unknown) => (c as { enableSHA256: boolean }).enableSHA256;

describe('s3Client', () => {
  it('signs payload hashes over plain HTTP by default', () => {
    expect(hashing(s3Client(settings))).toBe(true);
  });

  it('sends UNSIGNED-PAYLOAD when the body authenticates itself', () => {
    expect(hashing(s3Client(settings, { unsignedPayload: true }))).toBe(false);
  });
});
