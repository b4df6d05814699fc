import type { IdempotencyGuard } from '../../src/event-consumer';

export class MemoryIdempotencyGuard implements IdempotencyGuard {
  private readonly handled = new Set<string>();

  async seen(group: string, eventId: string): Promise<boolean> {
    return this.handled.has(`${group}/${eventId}`);
  }

  async remember(group: string, eventId: string): Promise<void> {
    this.handled.add(`${group}/${eventId}`);
  }
}
