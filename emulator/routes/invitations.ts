import { ApiError, notFound, paramInvalid } from "../errors.js";
import { DAY_MS, DEFAULT_EXPIRES_IN_DAYS, type Store, ticketUrl } from "../state.js";
import type { InvitationRecord, InvitationStatus } from "../types.js";
import {
  expiresInDays,
  INVITATION_STATUSES,
  isPaginated,
  listResponse,
  ok,
  one,
  optionalBool,
  optionalMetadata,
  optionalString,
  orderBy,
  pageParams,
  type Route,
  rejectUnknownParams,
  requireArrayBody,
  requireEmail,
  requireObjectBody,
  sortItems,
} from "./common.js";

const TEMPLATE_SLUGS = ["invitation", "waitlist_invitation"];
const CREATE_PARAMS = [
  "email_address",
  "public_metadata",
  "redirect_url",
  "notify",
  "ignore_existing",
  "expires_in_days",
  "template_slug",
];

interface ValidInvitation {
  email_address: string;
  public_metadata: Record<string, unknown>;
  redirect_url: string | undefined;
  ignore_existing: boolean;
  expires_in_days: number;
}

function validateCreate(raw: unknown): ValidInvitation {
  const body = requireObjectBody(raw);
  rejectUnknownParams(body, CREATE_PARAMS);
  const email = requireEmail(body);
  const publicMetadata = optionalMetadata(body, "public_metadata") ?? {};
  const redirectUrl = optionalString(body, "redirect_url");
  optionalBool(body, "notify");
  const ignoreExisting = optionalBool(body, "ignore_existing") ?? false;
  const days = expiresInDays(body) ?? DEFAULT_EXPIRES_IN_DAYS;
  const slug = optionalString(body, "template_slug");
  if (slug !== undefined && !TEMPLATE_SLUGS.includes(slug)) {
    throw paramInvalid(
      "template_slug",
      `template_slug must be one of: ${TEMPLATE_SLUGS.join(", ")}`,
    );
  }
  return {
    email_address: email,
    public_metadata: publicMetadata,
    redirect_url: redirectUrl,
    ignore_existing: ignoreExisting,
    expires_in_days: days,
  };
}

export function hasPendingInvitation(store: Store, email: string): boolean {
  const wanted = email.toLowerCase();
  for (const inv of store.invitations.values()) {
    if (
      inv.email_address.toLowerCase() === wanted &&
      store.viewInvitation(inv).status === "pending"
    ) {
      return true;
    }
  }
  return false;
}

export function duplicateInvitations(emails: string[]): ApiError {
  return new ApiError(
    400,
    "duplicate_record",
    emails.length > 1 ? "duplicate invitations" : "duplicate invitation",
    `There are already pending invitations for the following email addresses: ${emails.join(", ")}`,
    { email_addresses: emails },
  );
}

export function identifierExists(email: string): ApiError {
  return new ApiError(
    422,
    "form_identifier_exists",
    "That email address is taken. Please try another.",
    `The email address ${email} already belongs to a user.`,
    { param_name: "email_address" },
  );
}

/**
 * Checks a batch against existing state (all-or-nothing). `userCheckBypassable` is true for the
 * single create (ignore_existing skips both checks) and false for bulk, where the spec says the
 * existing-user rule "cannot be bypassed".
 */
function checkConflicts(
  store: Store,
  items: ValidInvitation[],
  userCheckBypassable: boolean,
): void {
  for (const item of items) {
    if (
      (!item.ignore_existing || !userCheckBypassable) &&
      store.findUserByEmail(item.email_address)
    ) {
      throw identifierExists(item.email_address);
    }
  }
  const duplicates: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const key = item.email_address.toLowerCase();
    if (
      !item.ignore_existing &&
      (seen.has(key) || hasPendingInvitation(store, item.email_address))
    ) {
      if (!duplicates.includes(item.email_address)) duplicates.push(item.email_address);
    }
    seen.add(key);
  }
  if (duplicates.length > 0) throw duplicateInvitations(duplicates);
}

function create(store: Store, item: ValidInvitation): InvitationRecord {
  const now = store.time();
  return store.addInvitation({
    email_address: item.email_address,
    public_metadata: item.public_metadata,
    url: ticketUrl(item.redirect_url),
    status: "pending",
    created_at: now,
    updated_at: now,
    expires_at: now + item.expires_in_days * DAY_MS,
  });
}

export const invitationRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/invitations",
    handler: ({ store, query }) => {
      const status = one(query, "status");
      if (status !== undefined && !INVITATION_STATUSES.includes(status as InvitationStatus)) {
        throw paramInvalid("status", `status must be one of: ${INVITATION_STATUSES.join(", ")}`);
      }
      const q = one(query, "query")?.toLowerCase();
      const order = orderBy(query, ["created_at", "email_address", "expires_at"]);
      const page = pageParams(query);
      let items = [...store.invitations.values()].map((i) => store.viewInvitation(i));
      // "Returns all non-revoked invitations" unless status=revoked is asked for.
      items = status ? items.filter((i) => i.status === status) : items.filter((i) => !i.revoked);
      if (q) {
        items = items.filter(
          (i) => i.email_address.toLowerCase().includes(q) || i.id.toLowerCase().startsWith(q),
        );
      }
      return listResponse(sortItems(items, order.field, order.desc), page, isPaginated(query));
    },
  },
  {
    method: "POST",
    pattern: "/v1/invitations",
    handler: ({ store, body }) => {
      const item = validateCreate(body);
      checkConflicts(store, [item], true);
      return ok(create(store, item));
    },
  },
  {
    method: "POST",
    pattern: "/v1/invitations/bulk",
    handler: ({ store, body }) => {
      const items = requireArrayBody(body, 10).map(validateCreate);
      checkConflicts(store, items, false);
      return ok(items.map((item) => create(store, item)));
    },
  },
  {
    method: "POST",
    pattern: "/v1/invitations/:invitation_id/revoke",
    handler: ({ store, params }) => {
      const id = params.invitation_id ?? "";
      const rec = store.invitations.get(id);
      if (!rec) throw notFound(`No invitation was found with id ${id}.`);
      const status = store.viewInvitation(rec).status;
      if (status === "revoked") {
        throw new ApiError(
          400,
          "invitation_already_revoked",
          "Invitation is already revoked.",
          "Invitation is already revoked.",
        );
      }
      if (status === "accepted") {
        throw new ApiError(
          400,
          "invitation_already_accepted",
          "Invitation is already accepted.",
          "Invitation is already accepted, it can no longer be revoked.",
        );
      }
      if (status !== "pending") {
        throw new ApiError(
          400,
          "invitation_not_pending",
          "Invitation is not pending.",
          `Only pending invitations can be revoked; this one is ${status}.`,
        );
      }
      rec.status = "revoked";
      rec.revoked = true;
      rec.updated_at = Math.max(store.time(), rec.updated_at + 1);
      return ok(store.viewInvitation(rec));
    },
  },
];
