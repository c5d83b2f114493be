import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // A timeout detects a hang, not slowness (speed is `npm run bench`'s business): on a loaded 2-core machine a
    // test that takes 1 s alone takes 5 s or more, past vitest's 5 s default. Tests that run cargo set their own.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // CLI processes spawned by tests cache their runs here, never in the user's cache dir.
    env: { TLS_AUDIT_CACHE_DIR: join(tmpdir(), `tls-audit-test-cache-${process.pid}`) },
  },
});
