import type { ClerkGateway } from "./client.js";
import { type ClerkFailure, ToolError } from "./errors.js";
import { describeFailure } from "./failure-text.js";
import type { RoleJson } from "./views.js";

/** Organization roles (`org:admin`, `org:member`, custom keys), as memberships and invitations name them. */

/** Clerk's largest page for `GET /v1/organization_roles`; instances have a handful of roles. */
const ROLE_PAGE = 100;

/**
 * The instance's organization roles, in Clerk's order.
 * Source: `GET /v1/organization_roles?limit=100&offset=…` (`{ data, total_count }`), every page.
 * @throws ClerkFailure when a request fails.
 */
export async function listRoles(clerk: ClerkGateway, signal?: AbortSignal): Promise<RoleJson[]> {
  const roles: RoleJson[] = [];
  for (let offset = 0; ; offset += ROLE_PAGE) {
    const page = await clerk.call(
      (c) => c.organizationRoles.getOrganizationRoleList({ limit: ROLE_PAGE, offset }),
      { idempotent: true, signal },
    );
    roles.push(...page.data.map(roleJson));
    if (page.data.length < ROLE_PAGE || roles.length >= page.totalCount) return roles;
  }
}

/** The SDK's Role (which keeps no raw JSON) as Clerk's JSON, as far as views read it. */
function roleJson(r: RoleJson): RoleJson {
  return { key: r.key, name: r.name, description: r.description, permissions: r.permissions };
}

/**
 * The role keys of each gateway's instance, kept for the life of the process: roles change
 * only in the Clerk Dashboard, and a role error reads them again (`namingRoleKeys`).
 */
const KEYS = new WeakMap<ClerkGateway, string[]>();

/** Remembers the role keys `listRoles` just read, for role errors. */
export function rememberRoleKeys(clerk: ClerkGateway, roles: RoleJson[]): void {
  KEYS.set(
    clerk,
    roles.map((r) => r.key),
  );
}

/**
 * A role Clerk does not know: Clerk's 404 `resource_not_found` naming the `role` parameter, on
 * membership and organization invitation endpoints alike. `namingRoleKeys` adds the valid keys.
 */
export class RoleNotFound extends ToolError {
  override name = "RoleNotFound";
  constructor(
    readonly role: string,
    readonly failure: ClerkFailure,
    keys?: readonly string[],
  ) {
    const valid = keys
      ? `This instance's role keys: ${keys.join(", ")}.`
      : "org:admin and org:member always exist; list_organization_roles lists the others.";
    super(
      `This instance has no role ${role}; nothing changed. ${valid} Custom roles are set up in the Clerk Dashboard. ${describeFailure(failure)}`,
      failure,
    );
  }
}

/**
 * Clerk's answer to a role the instance does not have, as a `RoleNotFound`; other 404s of those
 * endpoints name no parameter.
 */
export function roleNotFound(role: string, err: ClerkFailure): RoleNotFound | undefined {
  if (err.status !== 404 || paramOf(err) !== "role") return undefined;
  return new RoleNotFound(role, err);
}

/**
 * Runs `write`; a `RoleNotFound` it throws comes back naming the instance's role keys, read
 * from Clerk (the cached keys are refreshed: the role may have been added since). When that
 * read fails, the error stays as it was.
 * @throws what `write` throws.
 */
export async function namingRoleKeys<T>(
  clerk: ClerkGateway,
  signal: AbortSignal | undefined,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!(err instanceof RoleNotFound)) throw err;
    let keys: string[] | undefined;
    try {
      const roles = await listRoles(clerk, signal);
      rememberRoleKeys(clerk, roles);
      keys = roles.map((r) => r.key);
    } catch {
      keys = KEYS.get(clerk);
    }
    throw keys ? new RoleNotFound(err.role, err.failure, keys) : err;
  }
}

/**
 * The parameter Clerk named in its first error (`meta.param_name` on the wire), if any.
 * `@clerk/backend` hands error meta over camelCased, so it is read as `paramName`.
 */
export function paramOf(err: ClerkFailure): unknown {
  return err.errors[0]?.meta?.paramName;
}
