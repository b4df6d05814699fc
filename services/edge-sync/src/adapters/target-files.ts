import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TargetFiles } from '../ports';

/**
 * Files on the volume Kamailio shares with the edge sync. A write goes to a temporary file that
 * is then renamed over the old one, so Kamailio never reads half a list.
 */
export class DiskTargetFiles implements TargetFiles {
  private readonly written = new Map<string, string>();

  async read(file: string): Promise<string | undefined> {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async write(file: string, text: string): Promise<boolean> {
    const current = this.written.get(file) ?? (await this.read(file));
    if (current === text) {
      this.written.set(file, text);
      return false;
    }
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, text, { mode: 0o644 });
    await rename(tmp, file);
    this.written.set(file, text);
    return true;
  }
}
