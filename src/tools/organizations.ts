import type { AnyToolDefinition } from "./types.js";

/** Organizations (`org_…`) and their memberships. */
export const organizationTools: readonly AnyToolDefinition[] = [];
