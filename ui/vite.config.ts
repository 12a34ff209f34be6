import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Served by Tauri: devUrl http://localhost:1420 in dev, frontendDist ../ui/dist in release.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
