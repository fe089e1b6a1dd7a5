/**
 * Builds the dashboard (web/src) into web/dist, which the server serves at `/` (src/server/routes/web.ts).
 * `npm run dev:web` serves it with hot reload and forwards API calls to a running `mlslo serve`
 * (MLSLO_URL, default http://127.0.0.1:7070).
 */
import { defineConfig } from 'vite';

const api = process.env.MLSLO_URL ?? 'http://127.0.0.1:7070';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  // Preact's automatic JSX runtime through Vite's own (Oxc) transform: no framework plugin needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
  },
  server: { proxy: { '/v1': api, '/healthz': api, '/status': api } },
});
