import { z } from 'zod';

/** W3C trace-context `traceparent` (version 00): carries one call's trace across services. */
export const traceparentSchema = z
  .string()
  .regex(
    /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/,
    'must be a W3C traceparent (00-<trace>-<span>-<flags>)',
  );

export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - only');

/** Fields every event carries, whatever its type. */
export const envelopeSchema = z.strictObject({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  tenantId: idSchema,
  occurredAt: z.iso.datetime({ offset: true }),
  key: z.string().min(1).max(256),
  source: z.string().min(1).max(64),
  traceparent: traceparentSchema.optional(),
  data: z.unknown(),
});

export type EnvelopeFields = z.infer<typeof envelopeSchema>;
