import type { Store, StoredRole } from "../state.js";
import { listResponse, one, orderBy, pageParams, type Route, sortItems } from "./common.js";

/** A spec-valid Role, its permissions as full Permission objects. */
function serializeRole(store: Store, r: StoredRole): Record<string, unknown> {
  return {
    object: "role",
    id: r.id,
    name: r.name,
    key: r.key,
    description: r.description,
    // Clerk lets the admin role create organizations; the emulator's instance keeps that default.
    is_creator_eligible: r.key === "org:admin",
    permissions: r.permissions.map((key) => {
      const p = store.permissionFor(key);
      return {
        object: "permission",
        id: p.id,
        name: p.name,
        key: p.key,
        description: p.description,
        type: p.type,
        created_at: p.created_at,
        updated_at: p.created_at,
      };
    }),
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export const roleRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/organization_roles",
    handler: ({ store, query }) => {
      const order = orderBy(query, ["created_at", "name", "key"]);
      const page = pageParams(query);
      const q = one(query, "query")?.toLowerCase();
      const roles = [...store.roles.values()].filter(
        (r) =>
          !q ||
          r.id.toLowerCase() === q ||
          r.name.toLowerCase().includes(q) ||
          r.key.toLowerCase().includes(q),
      );
      const sorted = sortItems(roles, order.field, order.desc).map((r) => serializeRole(store, r));
      return listResponse(sorted, page, true);
    },
  },
];
