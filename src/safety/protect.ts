/**
 * Operator-protected accounts (`--protect`): user and organization IDs that no write tool may
 * change, such as the owner's own account or the staff organization. Enforced for every write
 * tool by the write-guard pipeline (src/safety/guard.ts), from the call's arguments alone, so
 * that a refusal sends nothing to Clerk and a new tool needs no code of its own.
 *
 * The rule, by argument name, at the top level and in a bulk tool's items:
 * - `user_id` and `organization_id`, and the lists `user_ids` and `organization_ids`, name the
 *   thing a write changes: its target. A membership is named by both, so protecting either
 *   the user or the organization protects it.
 * - Other ID arguments name who acts, not what changes: `inviter_user_id`,
 *   `requesting_user_id` (Clerk checks that person's permissions) and `created_by` (the
 *   creator of a new organization). A protected owner may still be named as the one acting.
 */

const TARGET = new Set(["user_id", "organization_id"]);
const TARGET_LIST = new Set(["user_ids", "organization_ids"]);

/**
 * Every target ID in `args`, in the order found, without repeats: the target arguments at the
 * top level, and in the objects of a top-level list (a bulk tool's items). Other objects, such
 * as metadata, are values being written, not targets, and are not searched.
 */
export function targetsOf(args: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const scan = (obj: Record<string, unknown>, items: boolean): void => {
    for (const [key, v] of Object.entries(obj)) {
      if (TARGET.has(key) && typeof v === "string") found.add(v);
      else if (TARGET_LIST.has(key) && Array.isArray(v)) {
        for (const id of v) if (typeof id === "string") found.add(id);
      } else if (items && Array.isArray(v)) {
        for (const item of v) if (isObject(item)) scan(item, false);
      }
    }
  };
  scan(args, true);
  return [...found];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The targets of `args` that the operator protected; empty when the call may proceed. */
export function protectedTargets(
  args: Record<string, unknown>,
  protectedIds: readonly string[],
): string[] {
  if (protectedIds.length === 0) return [];
  const ids = new Set(protectedIds);
  return targetsOf(args).filter((id) => ids.has(id));
}

/**
 * The refusal's text. A bulk call is refused whole rather than run without the protected
 * items: nothing is sent, the rule is the same for every bulk tool, and the model decides
 * whether the rest should go ahead by calling again without them.
 */
export function protectedRefusal(
  tool: string,
  hit: readonly string[],
  args: Record<string, unknown>,
): string {
  const ids = hit.join(", ");
  const which = hit.length > 1 ? "are" : "is";
  // Only a bulk call has others to change: a membership names a user and an organization, and
  // leaving out the protected one would change a different membership.
  const bulk = Object.values(args).some(Array.isArray);
  const rest =
    bulk && targetsOf(args).length > hit.length
      ? ` Call ${tool} again without them to change the others.`
      : "";
  return `Refused: ${ids} ${which} protected: the operator protected ${hit.length > 1 ? "them" : "it"} from changes by this server (--protect), so ${tool} was not run. Nothing was sent to Clerk.${rest} Only the operator can change the protected list, by restarting the server.`;
}
