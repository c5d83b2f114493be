// Finds a workspace's tls-audit configuration, through the Host.
import { join } from "node:path";
import type { Host } from "../host/index.js";
import type { Problem, SourcePosition } from "../problems.js";
import type { Workspace } from "../workspace/model.js";
import { EMPTY_CONFIG, parseConfig, type Config } from "./config.js";

const MANIFEST_TABLES = [["workspace", "metadata", "tls-audit"], ["package", "metadata", "tls-audit"]];

/** A configuration source that is present, read or not. */
interface Source {
  file: string;
  /** For a Cargo.toml table: its dotted name. */
  table?: string;
  position: SourcePosition;
  load(): { config: Config; problems: Problem[] };
}

/** Every source present, in the order they are looked for. */
function sourcesOf(host: Host, workspace: Workspace): Source[] {
  const sources: Source[] = [];
  for (const file of [join(workspace.root, "tls-audit.toml"), join(workspace.root, ".config", "tls-audit.toml")]) {
    if (host.kind(file) !== "file") continue;
    sources.push({
      file,
      position: { line: 1, column: 1 },
      load() {
        let text: string;
        try {
          text = host.readText(file);
        } catch (error) {
          return { config: EMPTY_CONFIG, problems: [{ severity: "error", code: "config-invalid", message: `cannot read configuration: ${(error as Error).message}`, file }] };
        }
        const { config, problems } = parseConfig(text, file, []);
        return { config: config ?? { ...EMPTY_CONFIG, file }, problems };
      },
    });
  }
  const manifest = workspace.rootManifest;
  for (const prefix of MANIFEST_TABLES) {
    const parsed = parseConfig(manifest.text, manifest.file, prefix);
    if (parsed.config || parsed.problems.length > 0) {
      const position = parsed.config?.positions?.get("") ?? parsed.problems[0]?.position ?? { line: 1, column: 1 };
      sources.push({ file: manifest.file, table: prefix.join("."), position, load: () => ({ config: parsed.config ?? EMPTY_CONFIG, problems: parsed.problems }) });
    }
  }
  return sources;
}

/**
 * The first of: tls-audit.toml, .config/tls-audit.toml, [workspace.metadata.tls-audit], [package.metadata.tls-audit].
 * Any other one present is ignored, and a warning at it says so: settings there would silently do nothing.
 */
export function loadConfig(host: Host, workspace: Workspace): { config: Config; problems: Problem[] } {
  const [used, ...ignored] = sourcesOf(host, workspace);
  if (!used) return { config: EMPTY_CONFIG, problems: [] };
  const { config, problems } = used.load();
  const name = (source: Source) => (source.table ? `[${source.table}] in ${source.file}` : source.file);
  for (const source of ignored) {
    problems.push({ severity: "warning", code: "config-invalid", message: `this configuration is ignored: ${name(used)} is used instead (only the first of tls-audit.toml, .config/tls-audit.toml, [workspace.metadata.tls-audit], [package.metadata.tls-audit] is read); merge them`, file: source.file, position: source.position });
  }
  return { config, problems };
}
