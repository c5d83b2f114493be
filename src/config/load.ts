// Finds a workspace's tls-audit configuration, through the Host.
import { join } from "node:path";
import type { Host } from "../host/index.js";
import type { Problem } from "../problems.js";
import type { Workspace } from "../workspace/model.js";
import { EMPTY_CONFIG, parseConfig, type Config } from "./config.js";

/** The first of: tls-audit.toml, .config/tls-audit.toml, [workspace.metadata.tls-audit], [package.metadata.tls-audit]. */
export function loadConfig(host: Host, workspace: Workspace): { config: Config; problems: Problem[] } {
  for (const file of [join(workspace.root, "tls-audit.toml"), join(workspace.root, ".config", "tls-audit.toml")]) {
    if (host.kind(file) !== "file") continue;
    let text: string;
    try {
      text = host.readText(file);
    } catch (error) {
      return { config: EMPTY_CONFIG, problems: [{ severity: "error", code: "config-invalid", message: `cannot read configuration: ${(error as Error).message}`, file }] };
    }
    const { config, problems } = parseConfig(text, file, []);
    return { config: config ?? { ...EMPTY_CONFIG, file }, problems };
  }
  const manifest = workspace.rootManifest;
  for (const prefix of [["workspace", "metadata", "tls-audit"], ["package", "metadata", "tls-audit"]]) {
    const { config, problems } = parseConfig(manifest.text, manifest.file, prefix);
    if (config || problems.length > 0) return { config: config ?? EMPTY_CONFIG, problems };
  }
  return { config: EMPTY_CONFIG, problems: [] };
}
