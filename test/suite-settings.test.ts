// The suite's own settings: a test's timeout detects a hang, not slowness, so that a loaded machine does not fail
// tests that pass alone (relevant.test.ts took 4.3 s against vitest's 5 s default on a busy 2-core machine).
import { describe, expect, it } from "vitest";
import config from "../vitest.config.js";

describe("vitest settings", () => {
  it("give every test and hook a timeout far above what a busy machine takes", () => {
    expect(config.test?.testTimeout).toBeGreaterThanOrEqual(30_000);
    expect(config.test?.hookTimeout).toBeGreaterThanOrEqual(30_000);
  });
});
