import { defineConfig } from 'vite';

// In development Vite serves the app and passes the API through to the API process (`pnpm start`, port 3000
// unless API_URL says otherwise); in production the API serves the built app itself (one process, one port).
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic' } },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    proxy: { '/api': { target: process.env.API_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
  build: { outDir: 'dist', assetsDir: 'assets', sourcemap: true, target: 'es2022' },
});
