import * as z from "zod";
import { ToolError } from "../clerk/errors.js";
import { OrganizationId, OrganizationIdOrSlug, OrganizationSlug, UserId } from "../clerk/ids.js";
import {
  createOrganization,
  createOrganizationMembership,
  deleteOrganization,
  deleteOrganizationMembership,
  findMembership,
  getOrganization,
  listOrganizationMemberships,
  listOrganizations,
  ORGANIZATION_ORDER,
  organizationNotFound,
  updateOrganization,
  updateOrganizationMembership,
  updateOrganizationMetadata,
} from "../clerk/organizations.js";
import { listRoles, namingRoleKeys, rememberRoleKeys } from "../clerk/roles.js";
import {
  MembershipResultView,
  MembershipView,
  membershipResultView,
  membershipView,
  type OrganizationJson,
  OrganizationListItemView,
  OrganizationView,
  organizationListItemView,
  organizationView,
  RoleView,
  roleView,
} from "../clerk/views.js";
import { CREATE, DESTRUCTIVE, READ, UPDATE } from "./annotations.js";
import { Role } from "./fields.js";
import { emptyPatchError, MetadataPatch, mergeQuestion, patchedKinds } from "./metadata.js";
import { emptyPageSummary, Limit, Offset, page, pageOutput, Query } from "./paging.js";
import { defineTool, type ToolContext } from "./types.js";
import { counted } from "./wording.js";

/**
 * Organizations (`org_…`) and their memberships. A membership is addressed by
 * (organization_id, user_id), as on Clerk's wire.
 */

const Name = z
  .string()
  .refine((s) => s.trim().length > 0 && s.length <= 256, { error: "expected 1 to 256 characters" });
// Clerk's slug alphabet; it also keeps a slug safe in the URL path of the lost-answer lookup.
const Slug = OrganizationSlug;
const MaxMembers = z
  .number()
  .int()
  .refine((n) => n >= 0 && n <= 1_000_000, { error: "expected 0 (unlimited) or more" })
  .describe("0 = unlimited");

/** A count from Clerk in words, or that it is unknown when Clerk did not send it. */
function count(n: number | null | undefined, one: string, many: string): string {
  return typeof n === "number" ? counted(n, one, many) : `unknown number of ${many}`;
}

/** `"Acme" (acme, org_…)` for confirmations and summaries. */
function named(org: OrganizationJson): string {
  return `"${org.name}" (${org.slug ? `${org.slug}, ` : ""}${org.id})`;
}

export const listOrganizationsTool = defineTool({
  name: "list_organizations",
  title: "List organizations",
  description: "With members counts, newest first.",
  toolset: "organizations",
  input: {
    query: Query.optional().describe("ID, name or slug"),
    order_by: z.enum(ORGANIZATION_ORDER).default("-created_at"),
    limit: Limit,
    offset: Offset,
  },
  output: pageOutput("organizations", OrganizationListItemView),
  annotations: READ,
  async handler({ query, order_by, limit, offset }, { clerk, signal }) {
    const result = await listOrganizations(clerk, { query, order_by, limit, offset }, signal);
    const items = result.data.map(organizationListItemView);
    return {
      structured: page("organizations", items, result.total_count, offset),
      ...(items.length === 0
        ? {
            summary: emptyPageSummary(
              offset,
              result.total_count,
              ["organization", "organizations"],
              `No organization${query ? ` matches "${query}"` : " exists on this instance"}.`,
            ),
          }
        : {}),
    };
  },
});

export const getOrganizationTool = defineTool({
  name: "get_organization",
  title: "Get organization",
  description: "Get one organization.",
  toolset: "organizations",
  input: { organization_id: OrganizationIdOrSlug.describe("org_… or its slug") },
  output: OrganizationView.shape,
  annotations: READ,
  async handler({ organization_id }, { clerk, signal }) {
    const org = await getOrganization(clerk, organization_id, signal);
    if (org.missing) throw organizationNotFound(organization_id, org.missing, false);
    return { structured: organizationView(org.found) };
  },
});

export const createOrganizationTool = defineTool({
  name: "create_organization",
  title: "Create organization",
  description: "Create an organization.",
  toolset: "organizations",
  input: {
    name: Name,
    slug: Slug.optional(),
    created_by: UserId.optional().describe("Becomes its admin"),
    max_allowed_memberships: MaxMembers.optional(),
  },
  output: OrganizationView.shape,
  annotations: CREATE,
  async handler(args, { clerk, signal }) {
    const { organization, note } = await createOrganization(clerk, args, signal);
    return {
      structured: organizationView(organization),
      summary: `Created organization ${named(organization)}.${note ? ` ${note}` : ""}`,
    };
  },
});

export const updateOrganizationTool = defineTool({
  name: "update_organization",
  title: "Update organization",
  description: "Update an organization.",
  toolset: "organizations",
  input: {
    organization_id: OrganizationId,
    name: Name.optional(),
    slug: Slug.optional(),
    max_allowed_memberships: MaxMembers.meta({ description: undefined }).optional(),
  },
  output: OrganizationView.shape,
  annotations: UPDATE,
  async handler({ organization_id, ...changes }, { clerk, signal }) {
    if (Object.values(changes).every((v) => v === undefined)) {
      throw new ToolError(
        "Nothing to update: pass name, slug or max_allowed_memberships (metadata goes through update_organization_metadata). Nothing changed.",
      );
    }
    const { value: org, note } = await updateOrganization(clerk, organization_id, changes, signal);
    return {
      structured: organizationView(org),
      summary: `Updated organization ${named(org)}.${note ? ` ${note}` : ""}`,
    };
  },
});

const METADATA_KINDS = ["public_metadata", "private_metadata"] as const;

export const updateOrganizationMetadataTool = defineTool({
  name: "update_organization_metadata",
  title: "Update organization metadata",
  description: "Deep-merge metadata; null removes a key.",
  toolset: "organizations",
  input: {
    organization_id: OrganizationId,
    public_metadata: MetadataPatch.optional(),
    private_metadata: MetadataPatch.optional(),
  },
  output: OrganizationView.shape,
  annotations: DESTRUCTIVE,
  async confirm(args, { clerk, signal }) {
    const kinds = patchedKinds(args, METADATA_KINDS);
    // The handler refuses an empty patch before any request.
    if (kinds.length === 0) return undefined;
    // An organization Clerk says does not exist loses nothing: the merge fails with the 404.
    const { found: org } = await getOrganization(clerk, args.organization_id, signal);
    return org ? mergeQuestion(org, args, kinds, `organization ${named(org)}`) : undefined;
  },
  async handler(args, { clerk, signal }) {
    const kinds = patchedKinds(args, METADATA_KINDS);
    if (kinds.length === 0) throw emptyPatchError("update_organization_metadata", METADATA_KINDS);
    const patch = Object.fromEntries(kinds.map((kind) => [kind, args[kind]]));
    const { value: org, note } = await updateOrganizationMetadata(
      clerk,
      args.organization_id,
      patch,
      signal,
    );
    return {
      structured: organizationView(org),
      summary: `Merged ${kinds.join(" and ")} into organization ${named(org)}.${note ? ` ${note}` : ""}`,
    };
  },
});

export const deleteOrganizationTool = defineTool({
  name: "delete_organization",
  title: "Delete organization",
  description: "With its memberships and invitations. Irreversible.",
  toolset: "organizations",
  input: { organization_id: OrganizationId },
  output: { id: z.string(), deleted: z.boolean() },
  annotations: DESTRUCTIVE,
  async confirm({ organization_id }, { clerk, signal }) {
    // Clerk says it does not exist (404): nothing to lose, so no question; the delete fails with the 404.
    const { found: org } = await getOrganization(clerk, organization_id, signal);
    if (!org) return undefined;
    // A count Clerk left out is said to be unknown, never guessed.
    const members = count(org.members_count, "member", "members");
    const pending = count(
      org.pending_invitations_count,
      "pending invitation",
      "pending invitations",
    );
    return {
      message: `Delete organization ${named(org)} with its ${members} and ${pending}? Every member loses access. This cannot be undone.`,
    };
  },
  async handler({ organization_id }, { clerk, signal }) {
    const { id, note } = await deleteOrganization(clerk, organization_id, signal);
    return {
      structured: { id, deleted: true },
      summary: `Deleted organization ${id} with its memberships and invitations.${note ? ` ${note}` : ""}`,
    };
  },
});

export const listOrganizationMembershipsTool = defineTool({
  name: "list_organization_memberships",
  title: "List organization memberships",
  description: "List an organization's members.",
  toolset: "organizations",
  input: {
    organization_id: OrganizationId,
    // Role's errors name the format; its description is spent once, on the create tool.
    role: Role.meta({ description: undefined }).optional(),
    limit: Limit,
    offset: Offset,
  },
  output: pageOutput("memberships", MembershipView),
  annotations: READ,
  async handler({ organization_id, role, limit, offset }, { clerk, signal }) {
    const result = await listOrganizationMemberships(
      clerk,
      { organization_id, role, limit, offset },
      signal,
    );
    const items = result.data.map(membershipView);
    return {
      structured: page("memberships", items, result.total_count, offset),
      ...(items.length === 0
        ? {
            summary: emptyPageSummary(
              offset,
              result.total_count,
              [
                `member${role ? ` with role ${role}` : ""}`,
                `members${role ? ` with role ${role}` : ""}`,
              ],
              // Clerk lists nothing, without a 404, for an organization it does not have.
              `${organization_id} has no members${role ? ` with role ${role}` : ""}, or no such organization; list_organizations finds IDs.`,
            ),
          }
        : {}),
    };
  },
});

export const createOrganizationMembershipTool = defineTool({
  name: "create_organization_membership",
  title: "Create organization membership",
  description: "Adds a user directly, no invitation.",
  toolset: "organizations",
  input: { organization_id: OrganizationId, user_id: UserId, role: Role },
  output: MembershipResultView.shape,
  annotations: CREATE,
  async handler(args, { clerk, signal }) {
    const { membership, note } = await namingRoleKeys(clerk, signal, () =>
      createOrganizationMembership(clerk, args, signal),
    );
    const view = membershipResultView(membership);
    return {
      structured: view,
      summary: `Added ${view.identifier ?? view.user_id} to ${view.organization_id} as ${view.role}.${note ? ` ${note}` : ""}`,
    };
  },
});

export const updateOrganizationMembershipTool = defineTool({
  name: "update_organization_membership",
  title: "Update organization membership",
  description: "Change a member's role.",
  toolset: "organizations",
  input: {
    organization_id: OrganizationId,
    user_id: UserId,
    role: Role.meta({ description: undefined }),
  },
  output: MembershipResultView.shape,
  annotations: UPDATE,
  async handler(args, { clerk, signal }) {
    const { value: membership, note } = await namingRoleKeys(clerk, signal, () =>
      updateOrganizationMembership(clerk, args, signal),
    );
    const view = membershipResultView(membership);
    return {
      structured: view,
      summary: `${view.identifier ?? view.user_id} is now ${view.role} in ${view.organization_id}.${note ? ` ${note}` : ""}`,
    };
  },
});

export const deleteOrganizationMembershipTool = defineTool({
  name: "delete_organization_membership",
  title: "Delete organization membership",
  description: "Remove a user from an organization.",
  toolset: "organizations",
  input: { organization_id: OrganizationId, user_id: UserId },
  output: {
    organization_id: z.string(),
    user_id: z.string(),
    deleted: z.boolean(),
    organization_deleted: z
      .boolean()
      .nullable()
      .describe("Clerk deleted the organization (its last member left); null: not known"),
  },
  annotations: DESTRUCTIVE,
  async confirm({ organization_id, user_id }, { clerk, signal }) {
    const [membership, { found: org }] = await Promise.all([
      findMembership(clerk, organization_id, user_id, signal),
      getOrganization(clerk, organization_id, signal),
    ]);
    // No such organization (404): no membership to lose; the removal fails with Clerk's 404.
    if (!org) return undefined;
    const where = `organization ${named(org)}`;
    // The membership lookup is a list filter: a miss is still asked about.
    if (!membership) {
      return {
        message: `Remove ${user_id} from ${where} (no membership found by lookup)? If they are a member, they lose access to it.`,
      };
    }
    const who = membershipView(membership);
    // Clerk deletes an organization when its last member is removed, unless that member is its
    // only admin, whom Clerk refuses to remove: no deletion to warn about then.
    const last =
      org.members_count === 1 && who.role !== "org:admin"
        ? " They are its last member: Clerk then deletes the organization too, with its invitations. This cannot be undone."
        : "";
    return {
      message: `Remove ${who.identifier ?? user_id} (${user_id}, role ${who.role}) from ${where}? They lose access to it.${last}`,
    };
  },
  async handler({ organization_id, user_id }, { clerk, signal }) {
    const { membership, note } = await deleteOrganizationMembership(
      clerk,
      { organization_id, user_id },
      signal,
    );
    const who = membership ? membershipView(membership) : undefined;
    // Clerk deletes an organization when its last member leaves, and its answer does not say
    // so. Only a member who was not an org:admin can have been the last (Clerk refuses to remove
    // the only admin), so only then is the organization looked up: one read on those removals,
    // none on the others. The confirmation's lookup is not reused: with --no-confirm, or a
    // client without elicitation, there is none.
    const gone =
      who?.role === "org:admin" ? false : await organizationGone(clerk, organization_id, signal);
    const after =
      gone === true
        ? ` They were its last member, so Clerk deleted the organization ${organization_id} too, with its invitations.`
        : gone === undefined
          ? ` Whether Clerk deleted the organization (it does when its last member leaves) could not be checked; get_organization tells.`
          : "";
    return {
      structured: { organization_id, user_id, deleted: true, organization_deleted: gone ?? null },
      summary: `Removed ${who?.identifier ?? user_id}${who ? ` (${who.role})` : ""} from ${organization_id}.${after}${note ? ` ${note}` : ""}`,
    };
  },
});

/**
 * Whether Clerk no longer has the organization (`GET /v1/organizations/{id}` answers 404);
 * undefined when the lookup failed otherwise.
 */
async function organizationGone(
  clerk: ToolContext["clerk"],
  organization_id: string,
  signal: AbortSignal,
): Promise<boolean | undefined> {
  try {
    return (await getOrganization(clerk, organization_id, signal)).missing !== undefined;
  } catch {
    return undefined;
  }
}

/** Organizations (`org_…`) and their memberships. */
export const listOrganizationRolesTool = defineTool({
  name: "list_organization_roles",
  title: "List organization roles",
  description: "The role keys memberships and invitations take.",
  toolset: "organizations",
  input: {},
  output: { roles: z.array(RoleView) },
  annotations: READ,
  async handler(_args, { clerk, signal }) {
    const roles = await listRoles(clerk, signal);
    rememberRoleKeys(clerk, roles);
    return { structured: { roles: roles.map(roleView) } };
  },
});

export const organizationTools = [
  listOrganizationsTool,
  getOrganizationTool,
  createOrganizationTool,
  updateOrganizationTool,
  updateOrganizationMetadataTool,
  deleteOrganizationTool,
  listOrganizationMembershipsTool,
  createOrganizationMembershipTool,
  updateOrganizationMembershipTool,
  deleteOrganizationMembershipTool,
  listOrganizationRolesTool,
];
