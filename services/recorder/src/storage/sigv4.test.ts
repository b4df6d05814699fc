import { describe, expect, it } from 'vitest';
import { sha256Hex, signS3 } from './sigv4';

// The worked examples of AWS's "Signature Calculations for the Authorization Header:
// Transferring Payload in a Single Chunk" (S3 API reference): same keys, time and requests.
const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const now = new Date('2013-05-24T00:00:00Z');
const sign = (url: string) =>
  signS3({
    method: 'GET',
    url: new URL(url),
    region: 'us-east-1',
    credentials,
    payloadSha256: sha256Hex(''),
    now,
  });

describe('SigV4 for S3', () => {
  it('signs GET bucket lifecycle as AWS’s example does', () => {
    expect(sign('https://examplebucket.s3.amazonaws.com/?lifecycle').authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;x-amz-content-sha256;x-amz-date, ' +
        'Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
    );
  });

  it('signs a listing with sorted query parameters as AWS’s example does', () => {
    const headers = sign('https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J');
    expect(headers.authorization).toMatch(
      /Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7$/,
    );
    expect(headers['x-amz-date']).toBe('20130524T000000Z');
  });
});
