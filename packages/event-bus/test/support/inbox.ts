import type { DeliveredRecord } from '../../src/event-bus';
import { waitFor } from './wait-for';

/** Collects what a subscription was handed. */
export class Inbox {
  readonly records: DeliveredRecord[] = [];

  readonly handler = async (record: DeliveredRecord): Promise<void> => {
    this.records.push(record);
  };

  values(): string[] {
    return this.records.map((r) => r.value.toString('utf8'));
  }

  async waitForCount(count: number, what = `${count} records`): Promise<void> {
    await waitFor(() => this.records.length >= count, what);
  }
}
