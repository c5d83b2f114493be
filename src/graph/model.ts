// The dependency graph: locked packages plus, for local packages, edges tied to their manifest entries.
import type { Lockfile } from "../lockfile/model.js";
import type { DependencyKind } from "../manifest/model.js";
import type { EffectiveDependency, LocalPackage } from "../workspace/model.js";

export interface GraphEdge {
  to: number;
  /** Known for local packages; registry packages' lock edges count as "normal" (dev edges are never locked for them). */
  kind: DependencyKind;
  /** The manifest entry behind the edge, for local packages. */
  decl?: EffectiveDependency;
}

export interface DependencyGraph {
  lockfile: Lockfile;
  /** Outgoing edges by package id. */
  edges: GraphEdge[][];
  /** Lock package id of each local package (members and path dependencies) that the lock contains. */
  localIds: Map<LocalPackage, number>;
  /** Lock ids that are workspace members. */
  memberIds: Set<number>;
}
