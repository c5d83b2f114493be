import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // CLI processes spawned by tests cache their runs here, never in the user's cache dir.
    env: { TLS_AUDIT_CACHE_DIR: join(tmpdir(), `tls-audit-test-cache-${process.pid}`) },
  },
});
