import { z } from 'zod';

/** HOTLINE_IVR_*: the ivr-runner's own settings, checked with the process settings at start. */
export const ivrSettings = z.object({
  /** Hosts (host[:port]) every tenant's CRM lookups may reach, comma-separated; tenants add their own. */
  HOTLINE_IVR_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z0-9.-]+(:\d{1,5})?$/, 'each entry must be host or host:port'))),
});

export type IvrSettings = z.infer<typeof ivrSettings>;
