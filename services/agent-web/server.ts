import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Node side of the web client: where its built files are, so the API process can serve them
// statically (`app.use(express.static(agentWebRoot()))`). Build them with
// `pnpm --filter @hotline/agent-web build`.

const here = dirname(fileURLToPath(import.meta.url));

/** Absolute path of the built client (services/agent-web/dist). */
export function agentWebRoot(): string {
  return join(here, 'dist');
}

/** Whether the client has been built (dist/index.html exists). */
export function agentWebBuilt(): boolean {
  return existsSync(join(agentWebRoot(), 'index.html'));
}
