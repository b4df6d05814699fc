import { z } from 'zod';
import { displayName, documentMeta, isoDateTime } from './common';
import { roleSchema } from './roles';

/**
 * A machine client's key. The secret is shown once, at creation; only its SHA-256 is stored
 * (the secret is 256 random bits, so a slow hash adds nothing). The key id travels in the token
 * (`hlk_<keyId>.<secret>`) so a lookup is one get by id, never a scan.
 */
export const apiKeyInput = z.strictObject({
  name: displayName(),
  role: roleSchema,
  /** When the key stops working; absent means it never expires. */
  expiresAt: isoDateTime().nullable().optional(),
});

export const apiKeyDocument = z.strictObject({
  ...documentMeta,
  name: displayName(),
  role: roleSchema,
  expiresAt: isoDateTime().nullable(),
  revokedAt: isoDateTime().nullable(),
  /** Hex SHA-256 of the secret part. Never leaves the store. */
  secretHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** First characters of the token, so a person can tell keys apart in a list. */
  hint: z.string().max(32),
});

/** What the API shows of a key: everything but the hash. */
export const apiKeyView = apiKeyDocument.omit({ secretHash: true });

export type ApiKeyInput = z.input<typeof apiKeyInput>;
export type ApiKey = z.infer<typeof apiKeyDocument>;
export type ApiKeyView = z.infer<typeof apiKeyView>;
