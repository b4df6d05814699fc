import { randomBytes } from 'node:crypto';

// Kafka keeps topics and groups across runs: every name carries this run's id.
const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
let counter = 0;

export function uniqueName(label: string): string {
  counter += 1;
  return `hl-test-${runId}-${label}-${counter}`;
}
