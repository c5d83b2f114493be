// Per-package summaries for the feature resolver: features and dependencies, each tied to its locked package.
import type { DependencyGraph } from "../graph/model.js";
import type { DependencyKind } from "../manifest/model.js";
import type { CrateMetadata, MetadataLookup, MetadataProviderName } from "../registry/model.js";
import { compareVersionsDesc, satisfiesCargoReq } from "../util/cargo-semver.js";
import type { EffectiveDependency, LocalPackage } from "../workspace/model.js";
import { tlsCrate } from "../../rules/data/tls-crates.js";
import { withImplicitFeatures, type FeatureValue } from "./feature-value.js";

export interface SummaryDependency {
  /** The name used in features (`dep:x`, `x/f`): the manifest key. */
  name: string;
  /** Lock id of the package it resolves to. */
  to: number;
  kind: DependencyKind;
  target: string | null;
  optional: boolean;
  defaultFeatures: boolean;
  features: string[];
  /** The member's manifest entry, for local packages. */
  decl?: EffectiveDependency;
  /** A locked edge of a package without (complete) metadata, kept as possibly active. */
  assumed?: boolean;
  /** With `assumed`, in the sound over-approximation: the child may have any of its features enabled. */
  anyFeatures?: boolean;
}

export interface PackageSummary {
  id: number;
  /** `[features]` with cargo's implicit optional-dependency features. */
  features: Map<string, FeatureValue[]>;
  dependencies: SummaryDependency[];
  procMacro: boolean;
  /** Which source described this package; "lockfile" when nothing did and locked edges are kept as possibly active. */
  provider: MetadataProviderName | "lockfile";
  /** Partial or missing metadata: some edges are assumed. */
  incomplete: boolean;
  origin?: string;
}

/** Highest version first, so a requirement picks what cargo would have picked. */
const byVersionDesc = (a: { version: string }, b: { version: string }): number => compareVersionsDesc(a.version, b.version);

/** Builds summaries lazily, one per lock package, from manifests, metadata providers or, failing both, the lock. */
export class SummaryTable {
  private readonly cache = new Map<number, PackageSummary>();
  private readonly localById = new Map<number, LocalPackage>();

  /**
   * @param assumedFeatures what an edge of a package without metadata enables on its child:
   *   "none" (only the features known dependents ask for) or "all" (sound: anything may be on).
   * @param complete summaries of fully described packages, which do not depend on `assumedFeatures`: tables over
   *   one graph share them, so the sound pass builds only the summaries of packages without metadata again.
   */
  constructor(
    private readonly graph: DependencyGraph,
    private readonly metadata: MetadataLookup | undefined,
    private readonly assumedFeatures: "none" | "all" = "none",
    private readonly complete = new Map<number, PackageSummary>(),
  ) {
    for (const [local, id] of graph.localIds) this.localById.set(id, local);
  }

  get(id: number): PackageSummary {
    let summary = this.cache.get(id);
    if (!summary) {
      summary = this.complete.get(id) ?? this.build(id);
      if (!summary.incomplete) this.complete.set(id, summary);
      this.cache.set(id, summary);
      this.builtOrder.push(summary);
    }
    return summary;
  }

  private readonly builtOrder: PackageSummary[] = [];
  private readonly incomingIndex: { from: number; dep: SummaryDependency }[][] = [];
  private indexed = 0;

  /**
   * The declared dependencies that lead to a package, from the summaries built so far: every package a resolution
   * reached has one, and building the others would look up metadata nothing needs.
   */
  incoming(id: number): readonly { from: number; dep: SummaryDependency }[] {
    for (; this.indexed < this.builtOrder.length; this.indexed++) {
      const summary = this.builtOrder[this.indexed]!;
      for (const dep of summary.dependencies) (this.incomingIndex[dep.to] ??= []).push({ from: summary.id, dep });
    }
    return this.incomingIndex[id] ?? [];
  }

  /** Every summary built so far (the packages the resolution touched). */
  touched(): PackageSummary[] {
    return [...this.cache.values()];
  }

  private build(id: number): PackageSummary {
    const local = this.localById.get(id);
    if (local) return this.fromLocal(id, local);
    const pkg = this.graph.lockfile.packages[id]!;
    const meta = this.metadata?.lookup(pkg.name, pkg.version, pkg.source);
    if (meta && !meta.partial) return this.fromMetadata(id, meta);
    if (meta) return this.fromPartial(id, meta);
    return this.fromLock(id);
  }

  private fromLocal(id: number, local: LocalPackage): PackageSummary {
    const dependencies: SummaryDependency[] = [];
    for (const edge of this.graph.edges[id]!) {
      if (!edge.decl) continue;
      const d = edge.decl;
      dependencies.push({
        name: d.key,
        to: edge.to,
        kind: d.kind,
        target: d.target,
        optional: d.optional,
        defaultFeatures: d.defaultFeatures ?? true,
        features: d.features,
        decl: d,
      });
    }
    const optional = dependencies.filter((d) => d.optional).map((d) => d.name);
    return { id, features: withImplicitFeatures(local.manifest.features, optional), dependencies, procMacro: local.manifest.procMacro ?? false, provider: "local", origin: local.manifest.file, incomplete: false };
  }

  private fromMetadata(id: number, meta: CrateMetadata): PackageSummary {
    const lockedChildren = this.graph.lockfile.packages[id]!.dependencies.map((c) => this.graph.lockfile.packages[c]!);
    const dependencies: SummaryDependency[] = [];
    for (const d of meta.dependencies) {
      // Cargo never builds, and never locks, the dev-dependencies of a dependency.
      if (d.kind === "dev") continue;
      const candidates = lockedChildren.filter((c) => c.name === d.package).sort(byVersionDesc);
      // An optional dependency that no feature could enable is not in the lock: it can never be active.
      // The lock lists a package's dependencies by name; a requirement node-semver cannot match (odd pre-release
      // syntax, say) still means the one locked package of that name, which is the sound reading.
      const child = candidates.find((c) => satisfiesCargoReq(c.version, d.req)) ?? (candidates.length === 1 ? candidates[0] : undefined);
      if (!child) continue;
      dependencies.push({ name: d.name, to: child.id, kind: d.kind, target: d.target, optional: d.optional, defaultFeatures: d.defaultFeatures, features: d.features });
    }
    const optional = meta.dependencies.filter((d) => d.optional && d.kind !== "dev").map((d) => d.name);
    return { id, features: withImplicitFeatures(meta.features, optional), dependencies, procMacro: meta.procMacro ?? false, provider: meta.provider, origin: meta.origin, incomplete: false };
  }

  private assumedEdge(to: number): SummaryDependency {
    const any = this.assumedFeatures === "all";
    return { name: this.graph.lockfile.packages[to]!.name, to, kind: "normal", target: null, optional: false, defaultFeatures: false, features: [], assumed: true, anyFeatures: any };
  }

  /**
   * Bundled knowledge: the crate's native TLS dependencies are active exactly when a native feature is;
   * its other locked edges are kept as possibly active.
   */
  private fromPartial(id: number, meta: CrateMetadata): PackageSummary {
    const dependencies: SummaryDependency[] = [];
    const tlsChildren: string[] = [];
    for (const to of this.graph.lockfile.packages[id]!.dependencies) {
      const name = this.graph.lockfile.packages[to]!.name;
      if (tlsCrate(name) && !meta.nativeUnconditional) {
        tlsChildren.push(name);
        dependencies.push({ name, to, kind: "normal", target: null, optional: true, defaultFeatures: true, features: [] });
      } else {
        dependencies.push(tlsCrate(name) ? { ...this.assumedEdge(to), assumed: false, defaultFeatures: true } : this.assumedEdge(to));
      }
    }
    const features: Record<string, string[]> = {};
    const native = new Set(meta.nativeFeatures ?? []);
    const children = this.graph.lockfile.packages[id]!.dependencies.map((c) => this.graph.lockfile.packages[c]!);
    for (const [name, values] of Object.entries(meta.features)) {
      if (!native.has(name)) {
        features[name] = values;
        continue;
      }
      // A native feature whose chain the knowledge does not spell out (e.g. teloxide-core `native-tls`) is taken to
      // forward to the same-named native feature of a locked child the knowledge covers (reqwest `native-tls`).
      const forwarded =
        values.length > 0
          ? []
          : children.filter((c) => this.metadata?.lookup(c.name, c.version, c.source)?.nativeFeatures?.includes(name)).map((c) => `${c.name}/${name}`);
      features[name] = [...values, ...forwarded, ...tlsChildren.map((c) => `dep:${c}`)];
    }
    return { id, features: withImplicitFeatures(features, []), dependencies, procMacro: false, provider: meta.provider, origin: meta.origin, incomplete: true };
  }

  /** No metadata: every locked edge is possibly active. */
  private fromLock(id: number): PackageSummary {
    const dependencies = this.graph.lockfile.packages[id]!.dependencies.map((to) => this.assumedEdge(to));
    return { id, features: new Map(), dependencies, procMacro: false, provider: "lockfile", incomplete: true };
  }
}
