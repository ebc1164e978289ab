import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The server serves dist/index.html at `/` and dist/assets/* at `/assets/*` (file names
// matching [A-Za-z0-9._-]+ only), under a CSP that allows nothing but 'self': so no inline
// scripts or styles in the output, and every asset gets a plain hashed name.
const target = process.env.SWITCHBOARD_URL ?? 'http://127.0.0.1:8000';
const proxied = ['/api', '/admin', '/internal', '/v1', '/health'];

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    rollupOptions: {
      output: {
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    proxy: Object.fromEntries(proxied.map((prefix) => [prefix, { target, changeOrigin: false }])),
  },
});
