import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { objectStoreContract } from '../../test/object-store-contract';
import { createLocalObjectStore } from './local-object-store';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

objectStoreContract('local files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'recorder-objects-'));
  dirs.push(dir);
  return createLocalObjectStore(dir);
});
