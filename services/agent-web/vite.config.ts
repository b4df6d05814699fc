import { defineConfig } from 'vite';

// JSX is compiled by Vite's own transformer (automatic runtime, see tsconfig "jsx"); no plugin.
// `base: './'` keeps asset URLs relative, so the API can serve dist/ under any path.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // One chunk on purpose (an agent loads the desk once a shift): JsSIP + React ≈ 520 kB
    // minified, 137 kB gzip.
    chunkSizeWarningLimit: 600,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    // `pnpm --filter @hotline/agent-web dev` against a running `hotline up` on 8080.
    proxy: { '/v1': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
});
