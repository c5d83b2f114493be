// Second differential suite (a hand-designed catalogue of shapes, scripts/differential): each member's own answer
// from `cargo tree`, recorded on Debian-registry workspaces, is among our findings. The cases, their locks, cargo's
// answers and the registry manifests are committed (fixtures/differential); the exact per-build comparison is
// builds.test.ts.
import { join } from "node:path";
import { describeOwnAnswers } from "../helpers/differential.js";

describeOwnAnswers(join(import.meta.dirname, "../../fixtures/differential"), 300);
