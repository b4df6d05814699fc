import { DuplicateKeyError, type Collection, type DocumentStore } from '@hotline/document-store';
import { HotlineError, type FieldError } from '@hotline/platform';
import { Collections, type Hotline, type NumberClaim } from '@hotline/provisioning';

/** A claim this old whose hotline does not hold the number was left by a crash mid-write. */
const STALE_AFTER_MS = 60_000;

/**
 * A phone number belongs to one hotline of one tenant, across all tenants. The claim is a
 * document whose `_id` is the number, so the store's primary key enforces it without
 * transactions: claims are inserted before the hotline write and deleted again if that write
 * fails. A crash between the two leaves a claim no hotline holds; it is taken over once stale.
 */
export class NumberClaims {
  private readonly claims: Collection<NumberClaim>;
  private readonly hotlines: Collection<Hotline>;

  constructor(store: DocumentStore) {
    this.claims = store.collection<NumberClaim>(Collections.numberClaims);
    this.hotlines = store.collection<Hotline>(Collections.hotlines);
  }

  /**
   * Claims every number for the hotline, or none: on any conflict the ones just claimed are
   * released and a 409 names each number taken. Returns the numbers newly claimed (numbers the
   * hotline already held are left out, so a rollback does not release them).
   */
  async claim(
    tenantId: string,
    hotlineId: string,
    numbers: readonly string[],
    fieldOf: (n: string) => string,
  ) {
    const claimed: string[] = [];
    const taken: FieldError[] = [];
    for (const number of numbers) {
      const outcome = await this.claimOne(tenantId, hotlineId, number);
      if (outcome === 'claimed') claimed.push(number);
      else if (outcome === 'taken') taken.push({ field: fieldOf(number), message: 'number already in use' });
    }
    if (taken.length > 0) {
      await this.release(hotlineId, claimed);
      throw new HotlineError('conflict', 'a number is already in use', { fields: taken });
    }
    return claimed;
  }

  /** Deletes this hotline's claims on these numbers (never another hotline's). */
  async release(hotlineId: string, numbers: readonly string[]): Promise<void> {
    await Promise.all(
      numbers.map(async (number) => {
        const claim = await this.claims.get(number);
        if (claim?.hotlineId === hotlineId) await this.claims.delete(number, claim._rev).catch(() => false);
      }),
    );
  }

  private async claimOne(
    tenantId: string,
    hotlineId: string,
    number: string,
  ): Promise<'claimed' | 'held' | 'taken'> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.claims.insert({ _id: number, tenantId, hotlineId, claimedAt: new Date().toISOString() });
        return 'claimed';
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
      }
      const existing = await this.claims.get(number);
      if (!existing) continue;
      if (existing.hotlineId === hotlineId && existing.tenantId === tenantId) return 'held';
      if (!(await this.isStale(existing))) return 'taken';
      await this.claims.delete(number, existing._rev).catch(() => false);
    }
    return 'taken';
  }

  private async isStale(claim: NumberClaim): Promise<boolean> {
    if (Date.now() - Date.parse(claim.claimedAt) < STALE_AFTER_MS) return false;
    const hotline = await this.hotlines.get(claim.hotlineId);
    return !hotline || hotline.tenantId !== claim.tenantId || !hotline.numbers.includes(claim._id);
  }
}
