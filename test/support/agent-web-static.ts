// The built web client (services/agent-web) served by the stack's own HTTP app, as the API
// process serves it in production: same origin as /v1, so the session token and /v1/live need no
// CORS. Built with vite first when dist/ is missing or older than the sources.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import type { ServiceModule, ServiceName } from '../../packages/platform/src/index';
import { agentWebBuilt, agentWebRoot } from '../../services/agent-web/server';

const run = promisify(execFile);
const sources = new URL('../../services/agent-web/', import.meta.url).pathname;

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the client (vite) unless dist/ is newer than src/ and index.html. */
export async function ensureAgentWebBuilt(): Promise<void> {
  const built = agentWebBuilt() ? statSync(join(agentWebRoot(), 'index.html')).mtimeMs : 0;
  const changed = Math.max(newestMtime(join(sources, 'src')), statSync(join(sources, 'index.html')).mtimeMs);
  if (built > changed) return;
  try {
    await run('pnpm', ['--filter', '@hotline/agent-web', 'build'], { timeout: 120_000 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`pnpm --filter @hotline/agent-web build failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/**
 * A module for startStack's `extraServices`: GET of a file under dist/ returns it, any other GET
 * outside /v1 returns index.html (the client routes itself).
 */
export const agentWebStatic: ServiceModule = {
  // ServiceName lists the six back-end services; this one only adds routes to the same app.
  name: 'api' as ServiceName,
  async start(deps) {
    const root = agentWebRoot();
    deps.http.use((req, res, next) => {
      if (req.method !== 'GET' || req.path.startsWith('/v1')) return next();
      const wanted = normalize(join(root, req.path === '/' ? 'index.html' : req.path));
      let file = wanted.startsWith(root) ? wanted : join(root, 'index.html');
      try {
        if (!statSync(file).isFile()) file = join(root, 'index.html');
      } catch {
        file = join(root, 'index.html');
      }
      res.setHeader('content-type', types[extname(file)] ?? 'application/octet-stream');
      res.setHeader('cache-control', 'no-store');
      res.end(readFileSync(file));
    });
    return { name: 'agent-web', stop: async () => undefined };
  },
};
