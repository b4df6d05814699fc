// Entry of the prompt playout thread. Workspace code is TypeScript run through tsx, and a worker
// does not reliably inherit the parent's loader (`register()` in packages/cli/bin/hotline.mjs is
// per thread; `npx tsx` and `node --import tsx` pass it through execArgv, vitest does not), so the
// body is loaded with tsx's scoped import, which works the same under every launcher.
import { tsImport } from 'tsx/esm/api';

await tsImport('./rtp-player-worker.ts', import.meta.url);
