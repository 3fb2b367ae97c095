import type { Annotations } from "./types.js";

/**
 * The annotation sets the tools share, so that one kind of tool is described the same way
 * everywhere. `openWorldHint` is true only where someone outside the instance is contacted
 * (an invitation email).
 */

/** Lists and gets. */
export const READ: Annotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** Sets fields to given values; nothing held is lost, and a repeat changes nothing more. */
export const UPDATE: Annotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** Revokes, deletes, bans or overwrites; a repeat changes nothing more. */
export const DESTRUCTIVE: Annotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: false,
};

/** Creates something inside the instance; a repeat creates another or fails as a duplicate. */
export const CREATE: Annotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
};

/** Creates an invitation, which emails someone outside the system. */
export const INVITE: Annotations = { ...CREATE, openWorldHint: true };
