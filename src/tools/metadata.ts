import { isDeepStrictEqual } from "node:util";
import * as z from "zod";
import { ToolError } from "../clerk/errors.js";
import { guardedMetadata } from "./fields.js";
import type { Confirmation } from "./types.js";

/**
 * Metadata updates through Clerk's merge endpoints (`PATCH /v1/users/{id}/metadata`,
 * `PATCH /v1/organizations/{id}/metadata`): Clerk deep-merges the patch into what it holds,
 * and a key set to null is removed, at any depth. Shared by update_user_metadata and
 * update_organization_metadata, so both describe a change the same way before the human
 * confirms it.
 */

/** A patch for one metadata kind (`public_metadata`, `private_metadata`, `unsafe_metadata`). */
export const MetadataPatch = guardedMetadata(
  z.record(z.string(), z.unknown(), {
    error: "expected a JSON object of keys to merge (null removes a key)",
  }),
);

export type MetadataJson = Record<string, unknown>;

/** One leaf the patch would touch, as a dotted path such as `public_metadata.billing.plan`. */
export interface MetadataChange {
  path: string;
  kind: "added" | "changed" | "removed";
}

function isPlainObject(v: unknown): v is MetadataJson {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * What merging `patch` into `current` would do, with Clerk's rules: objects merge key by key,
 * null removes, anything else replaces. Keys whose value would not change are left out.
 * @param current what Clerk holds now (null or undefined reads as `{}`).
 * @param prefix the metadata kind, used as the first path segment.
 */
export function metadataChanges(
  current: MetadataJson | null | undefined,
  patch: MetadataJson,
  prefix: string,
): MetadataChange[] {
  const out: MetadataChange[] = [];
  const base = current ?? {};
  for (const [key, next] of Object.entries(patch)) {
    const path = `${prefix}.${key}`;
    const has = Object.hasOwn(base, key);
    const prev = base[key];
    if (next === null) {
      if (has) out.push({ path, kind: "removed" });
    } else if (isPlainObject(next) && isPlainObject(prev)) {
      out.push(...metadataChanges(prev, next, path));
    } else if (!has) {
      out.push({ path, kind: "added" });
    } else if (!isDeepStrictEqual(prev, next)) {
      out.push({ path, kind: "changed" });
    }
  }
  return out;
}

/**
 * The overwritten and removed paths in words, at most `limit` of each, or undefined when the
 * patch only adds keys (nothing held would be lost, so no confirmation is needed).
 */
export function describeLosses(changes: readonly MetadataChange[], limit = 5): string | undefined {
  const list = (kind: MetadataChange["kind"], verb: string) => {
    const paths = changes.filter((c) => c.kind === kind).map((c) => c.path);
    if (paths.length === 0) return [];
    const more = paths.length > limit ? ` and ${paths.length - limit} more` : "";
    return [`${verb} ${paths.slice(0, limit).join(", ")}${more}`];
  };
  const parts = [...list("changed", "overwrites"), ...list("removed", "removes")];
  return parts.length === 0 ? undefined : parts.join("; ");
}

/** The kinds in `args` that carry at least one key; an empty patch would change nothing. */
export function patchedKinds<K extends string>(
  args: { [P in K]?: MetadataJson | undefined },
  kinds: readonly K[],
): K[] {
  return kinds.filter((kind) => Object.keys(args[kind] ?? {}).length > 0);
}

/** The error for a merge call with no key to set; thrown before any request. */
export function emptyPatchError(tool: string, kinds: readonly string[]): ToolError {
  const names = `${kinds.slice(0, -1).join(", ")} or ${kinds.at(-1)}`;
  return new ToolError(
    `${tool} needs at least one of ${names}, with at least one key to set (null removes a key). Nothing was sent to Clerk; nothing changed.`,
  );
}

/**
 * The question before a merge: undefined when the patch only adds keys, since nothing held
 * would be lost. `current` is what a get by ID found (a target Clerk says does not exist is
 * not asked about: the merge can lose nothing, and fails with Clerk's 404).
 * @param who names the target: its email or name.
 */
export function mergeQuestion<K extends string>(
  current: { [P in K]?: MetadataJson | null },
  args: { [P in K]?: MetadataJson | undefined },
  kinds: readonly K[],
  who: string,
): Confirmation | undefined {
  const losses = describeLosses(
    kinds.flatMap((kind) => metadataChanges(current[kind], args[kind] ?? {}, kind)),
  );
  return losses === undefined
    ? undefined
    : { message: `Change the metadata of ${who}? This ${losses}.` };
}
