/**
 * The toolsets an operator switches on and off (`--toolsets`), each once, here: the type, the
 * names `--help` lists and the selection's default all come from this table. A toolset that is
 * not `default` is opt-in: off unless `--toolsets` names it (or `--tools` names its tools).
 */
export const TOOLSETS = {
  invitations: { default: true },
  organization_invitations: { default: true },
  users: { default: true },
  organizations: { default: true },
  sessions: { default: true },
  // Opt-in: the default selection stays at or under 40 tools as other toolsets grow.
  restrictions: { default: false },
  waitlist: { default: false },
} as const satisfies Record<string, { default: boolean }>;

export type Toolset = keyof typeof TOOLSETS;

/** Every toolset name, in the table's order. */
export const TOOLSET_NAMES = Object.keys(TOOLSETS) as Toolset[];

/** The toolsets on when `--toolsets` is not given. */
export const DEFAULT_TOOLSETS: Toolset[] = TOOLSET_NAMES.filter((t) => TOOLSETS[t].default);
