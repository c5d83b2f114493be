import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Tests that run the CLI over real workspaces take seconds on a loaded 2-core machine; 5 s made them flaky.
    testTimeout: 60_000,
    // CLI processes spawned by tests cache their runs here, never in the user's cache dir.
    env: { TLS_AUDIT_CACHE_DIR: join(tmpdir(), `tls-audit-test-cache-${process.pid}`) },
  },
});
