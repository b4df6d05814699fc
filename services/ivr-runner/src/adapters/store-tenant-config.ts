import type { DocumentStore, StoredDoc } from '@hotline/document-store';
import { normalizeNumber } from '@hotline/flows';
import { Collections, type Calendar } from '@hotline/provisioning';
import type { TenantConfigSource, TenantIvrConfig } from '../domain/ports';

/**
 * A tenant's IVR settings beyond what provisioning holds today: the hosts its CRM lookups may
 * reach and its caller lists (VIP, blocked). `_id` is the tenant id.
 */
export interface IvrSettingsDoc extends StoredDoc {
  tenantId: string;
  allowedHosts?: string[];
  callerLists?: Record<string, string[]>;
}

export const ivrSettingsCollection = 'ivr-settings';

export interface StoreTenantConfigOptions {
  /** Hosts every tenant may reach (HOTLINE_IVR_ALLOWED_HOSTS), on top of each tenant's own. */
  allowedHosts?: readonly string[];
  /** How long a tenant's configuration is reused before it is read again. */
  cacheMs?: number;
  now?: () => number;
}

export function createStoreTenantConfig(
  store: DocumentStore,
  options: StoreTenantConfigOptions = {},
): TenantConfigSource {
  const calendars = store.collection<Calendar>(Collections.calendars);
  const settings = store.collection<IvrSettingsDoc>(ivrSettingsCollection);
  const cacheMs = options.cacheMs ?? 5000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; config: TenantIvrConfig }>();

  async function read(tenantId: string): Promise<TenantIvrConfig> {
    const [tenantCalendars, own] = await Promise.all([calendars.find({ tenantId }), settings.get(tenantId)]);
    const ownSettings = own?.tenantId === tenantId ? own : null;
    return {
      calendars: new Map(
        tenantCalendars.map((c) => [c._id, { timeZone: c.timeZone, weekly: c.weekly, holidays: c.holidays }]),
      ),
      lists: new Map(
        Object.entries(ownSettings?.callerLists ?? {}).map(([id, numbers]) => [
          id,
          new Set(numbers.map(normalizeNumber)),
        ]),
      ),
      allowedHosts: [...(options.allowedHosts ?? []), ...(ownSettings?.allowedHosts ?? [])],
    };
  }

  return {
    async load(tenantId) {
      const hit = cache.get(tenantId);
      if (hit && now() - hit.at < cacheMs) return hit.config;
      const config = await read(tenantId);
      cache.set(tenantId, { at: now(), config });
      return config;
    },
  };
}
