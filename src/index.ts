// Public library API.
export { audit, fix, type AuditOptions, type FixResult } from "./api.js";
export { audit as auditWith, allProblems, type AuditRequest, type AuditResult } from "./audit.js";
export { nodeHost, type Host } from "./host/index.js";
export type { Finding, FindingFix, PathStep, Rule } from "./engine/types.js";
export type { Problem } from "./problems.js";
export { decodeLockfile } from "./lockfile/encoding.js";
export { parseManifest } from "./manifest/parse.js";
export { toJsonReport, type JsonReport } from "./report/json.js";
