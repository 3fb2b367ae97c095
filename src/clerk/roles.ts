import { type ClerkFailure, ToolError } from "./errors.js";
import { describeFailure } from "./failure-text.js";

/** Organization roles (`org:admin`, `org:member`, custom keys), as memberships and invitations name them. */

/**
 * Clerk's answer to a role the instance does not have: 404 `resource_not_found` naming the
 * `role` parameter, on membership and organization invitation endpoints alike. Other 404s of
 * those endpoints name no parameter.
 */
export function roleNotFound(role: string, err: ClerkFailure): ToolError | undefined {
  if (err.status !== 404 || paramOf(err) !== "role") return undefined;
  return new ToolError(
    `This instance has no role ${role}; nothing changed. org:admin and org:member always exist; custom roles are set up in the Clerk Dashboard. ${describeFailure(err)}`,
    err,
  );
}

/**
 * The parameter Clerk named in its first error (`meta.param_name` on the wire), if any.
 * `@clerk/backend` hands error meta over camelCased, so it is read as `paramName`.
 */
export function paramOf(err: ClerkFailure): unknown {
  return err.errors[0]?.meta?.paramName;
}
