import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The agent and supervisor UI: plain TypeScript and DOM, no framework, one small bundle.
 * Built into agent-ui/dist, which the sidecar serves (sidecar/api/plugins/ui.ts).
 * Dev: `npx vite --config agent-ui/vite.config.ts` proxies /api to a running sidecar on :8080.
 */
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    assetsDir: 'assets',
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', ws: true },
    },
  },
});
