// `-F` as cargo reads it for a workspace: which member gets which feature, and cargo's errors for unknown names.
import { describe, expect, it } from "vitest";
import { featureRequestFor, oldBehaviourRequests, unknownFeatures } from "../../src/resolve/feature-request.js";
import { currentPackageBeside } from "../../src/resolve/workspace.js";
import { loadWorkspace } from "../../src/workspace/load.js";
import type { Workspace } from "../../src/workspace/model.js";
import { memoryHost } from "../helpers/memory-host.js";

const pkg = (name: string, body: string) => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${body}`;
const files = {
  "Cargo.toml": `[workspace]\nmembers = ["bin", "core", "net"]\nresolver = "2"\n`,
  "bin/Cargo.toml": pkg("bin", `\n[dependencies]\ncore = { path = "../core" }\ncurl = "0.4"\n\n[features]\nfast = []\n`),
  "core/Cargo.toml": pkg("core", `\n[dependencies]\nnet = { path = "../net", features = ["git"] }\n`),
  "net/Cargo.toml": pkg("net", `\n[dependencies]\ngit2 = { version = "0.16", optional = true }\nhttp = { package = "reqwest", version = "0.11", optional = true }\n\n[features]\ngit = ["dep:git2"]\n`),
};

function workspace(): Workspace {
  const loaded = loadWorkspace(memoryHost(files), "/ws");
  if (!("members" in loaded)) throw new Error("not a workspace");
  return loaded;
}
const request = (...features: string[]) => ({ features, allFeatures: false, defaultFeatures: true });
const member = (ws: Workspace, name: string) => ws.members.find((m) => m.name === name)!;

describe("featureRequestFor", () => {
  it("gives `member/feature` to that member as its own feature, and to members depending on it by that name", () => {
    const ws = workspace();
    expect(featureRequestFor(member(ws, "net"), request("net/git")).features).toEqual(["git"]);
    expect(featureRequestFor(member(ws, "core"), request("net/git")).features).toEqual(["net/git"]);
    expect(featureRequestFor(member(ws, "bin"), request("net/git")).features).toEqual([]);
  });

  it("gives a plain name only to the members that have it, split on commas and spaces as cargo splits", () => {
    const ws = workspace();
    expect(featureRequestFor(member(ws, "bin"), request("fast,git http")).features).toEqual(["fast"]);
    // `http` is an implicit feature of the optional renamed dependency; `git2` is not, as `dep:git2` hides it.
    expect(featureRequestFor(member(ws, "net"), request("fast,git http", "git2")).features).toEqual(["git", "http"]);
  });
});

describe("unknownFeatures", () => {
  it("accepts what some selected package has", () => {
    expect(unknownFeatures(request("fast", "net/git", "net/http", "curl/http2"), workspace().members)).toEqual([]);
  });

  it("words cargo's errors for names nothing has", () => {
    expect(unknownFeatures(request("nope", "net/nope", "zz/nope", "git2"), workspace().members)).toEqual([
      "none of the selected packages contains this feature: nope",
      "the package 'net' does not contain this feature: nope",
      "none of the selected packages contains this feature: zz/nope",
      "none of the selected packages contains this feature: git2",
    ]);
  });
});

// Resolver 1 with a root package: cargo's old command-line feature behaviour (Workspace::members_with_features_old).
describe("oldBehaviourRequests and currentPackageBeside", () => {
  const oldFiles = {
    "Cargo.toml": `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2018"\n\n[dependencies]\nnet = { path = "net" }\ncurl = "0.4"\n\n[features]\nfast = []\n\n[workspace]\nmembers = ["net"]\n`,
    "net/Cargo.toml": `[package]\nname = "net"\nversion = "0.1.0"\nedition = "2018"\n\n[dependencies]\ngit2 = { version = "0.16", optional = true }\n\n[features]\ngit = ["dep:git2"]\n`,
  };
  const load = (files: Record<string, string>): Workspace => {
    const loaded = loadWorkspace(memoryHost(files), "/ws");
    if (!("members" in loaded)) throw new Error("not a workspace");
    return loaded;
  };

  it("names the root package under resolver 1, and nothing for a virtual workspace or resolver 2", () => {
    expect(currentPackageBeside(load(oldFiles))?.name).toBe("app");
    expect(currentPackageBeside(load({ ...oldFiles, "Cargo.toml": oldFiles["Cargo.toml"].replace('edition = "2018"', 'edition = "2021"') }))).toBeUndefined();
    expect(currentPackageBeside(load({ ...oldFiles, "Cargo.toml": oldFiles["Cargo.toml"].replace("[workspace]\n", '[workspace]\nresolver = "2"\n') }))).toBeUndefined();
    expect(currentPackageBeside(load({ ...oldFiles, "Cargo.toml": `[workspace]\nmembers = ["net"]\nresolver = "1"\n` }))).toBeUndefined();
    expect(currentPackageBeside(load({ ...oldFiles, "Cargo.toml": oldFiles["Cargo.toml"].replace('edition = "2018"', 'edition = "2021"').replace("[workspace]\n", '[workspace]\nresolver = "1"\n') }))?.name).toBe("app");
  });

  it("gives the flags to the current package and only `member/feature` to the member, whose defaults stay on", () => {
    const ws = load(oldFiles);
    const [app, net] = [member(ws, "app"), member(ws, "net")];
    const split = oldBehaviourRequests(net, app, ws.members, { features: ["fast", "net/git", "curl/http2"], allFeatures: true, defaultFeatures: false });
    expect(split.member).toEqual({ features: ["git"], allFeatures: true, defaultFeatures: true });
    expect(split.current).toEqual({ features: ["fast", "curl/http2"], allFeatures: true, defaultFeatures: false });
  });

  it("checks plain names against the current package alone", () => {
    const ws = load(oldFiles);
    const app = member(ws, "app");
    expect(unknownFeatures(request("fast", "net/git"), ws.members, app)).toEqual([]);
    expect(unknownFeatures(request("git"), ws.members, app)).toEqual(["the package 'app' does not contain this feature: git"]);
    expect(unknownFeatures(request("tokio/full"), ws.members, app)).toEqual(["the package 'app' has no dependency `tokio` for this feature: tokio/full"]);
    expect(unknownFeatures(request("curl/http2"), ws.members, app)).toEqual([]);
    // Without the old behaviour, a plain name is any member's.
    expect(unknownFeatures(request("git"), ws.members)).toEqual([]);
  });
});
