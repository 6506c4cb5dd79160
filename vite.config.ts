/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Content-Security-Policy: no inline script anywhere (the same policy scripts/serve.mjs
 * sends). Inline *styles* stay allowed: xterm's DOM renderer and React's style props need
 * them. The meta tag is added to the built index.html only, since Vite's dev server injects
 * an inline script (React refresh); `vite preview` also sends it as a header.
 */
const CSP = "default-src 'self'; script-src 'self'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'";
const CSP_HEADER = `${CSP}; frame-ancestors 'none'`;

function cspMeta(): Plugin {
  return {
    name: 'lvs-lab-csp',
    apply: 'build',
    transformIndexHtml(html) {
      return html.replace('<meta charset="UTF-8" />', `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`);
    },
  };
}

export default defineConfig({
  plugins: [react(), cspMeta()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // The lab page's heavy parts are lazy chunks; these groups only name and cache them well.
    // Nothing the start page needs may be grouped with them (zustand stays in the main chunk).
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'xterm', test: /node_modules[\\/]@xterm[\\/]/ },
            { name: 'flow', test: /node_modules[\\/](@xyflow|d3-[a-z-]+|d3|classcat)[\\/]/ },
          ],
        },
      },
    },
  },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, headers: { 'Content-Security-Policy': CSP_HEADER } },
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    environment: 'node',
    // One fixed fast-check seed for every property test (tests/robustness/fuzz.ts).
    setupFiles: ['tests/robustness/setup.ts'],
    testTimeout: 60_000,
  },
});
