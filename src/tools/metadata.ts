import { isDeepStrictEqual } from "node:util";
import * as z from "zod";

/**
 * Metadata updates through Clerk's merge endpoints (`PATCH /v1/users/{id}/metadata`,
 * `PATCH /v1/organizations/{id}/metadata`): Clerk deep-merges the patch into what it holds,
 * and a key set to null is removed, at any depth. Shared by update_user_metadata and
 * update_organization_metadata, so both describe a change the same way before the human
 * confirms it.
 */

/** A patch for one metadata kind (`public_metadata`, `private_metadata`, `unsafe_metadata`). */
export const MetadataPatch = z.record(z.string(), z.unknown());

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
