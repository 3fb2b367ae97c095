import type { AnyToolDefinition } from "./types.js";

/** Users (`user_…`): find, inspect and moderate the people who sign in. */
export const userTools: readonly AnyToolDefinition[] = [];
