import { ConfigError } from "../config.js";
import type { AnyToolDefinition } from "../tools/types.js";
import { DEFAULT_TOOLSETS, TOOLSET_NAMES, type Toolset } from "../toolsets.js";

/**
 * Which tools a server registers: `--toolsets`, plus `--tools`, minus `--exclude-tools`, then
 * `--read-only` removes every tool whose `readOnlyHint` is not true. Unknown names stop the
 * server at start (ConfigError) rather than being ignored: a typo in `--exclude-tools` would
 * otherwise leave a tool the operator meant to remove.
 */

export interface SelectionOptions {
  toolsets: string[] | undefined;
  tools: string[];
  excludeTools: string[];
  readOnly: boolean;
}

export interface Selection {
  /** The tools to register, in `all`'s order. */
  tools: AnyToolDefinition[];
  /** The toolsets switched on (all of them by default). */
  toolsets: Toolset[];
  /** Tools that the selection named but `--read-only` removed. */
  droppedByReadOnly: string[];
}

/** A tool is a write tool unless it declares `readOnlyHint: true`. */
export function isWriteTool(tool: AnyToolDefinition): boolean {
  return tool.annotations.readOnlyHint !== true;
}

/**
 * Applies the operator's selection to `all`.
 * @throws ConfigError listing unknown names and the valid ones, or when nothing is left.
 */
export function selectTools(all: readonly AnyToolDefinition[], opts: SelectionOptions): Selection {
  const toolNames = all.map((t) => t.name);
  const problems = [
    unknownNames("--toolsets", "CLERK_MCP_TOOLSETS", opts.toolsets ?? [], TOOLSET_NAMES),
    unknownNames("--tools", "CLERK_MCP_TOOLS", opts.tools, toolNames),
    unknownNames("--exclude-tools", "CLERK_MCP_EXCLUDE_TOOLS", opts.excludeTools, toolNames),
  ].filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new ConfigError(problems.join(" "));

  const toolsets = opts.toolsets
    ? TOOLSET_NAMES.filter((t) => opts.toolsets?.includes(t))
    : DEFAULT_TOOLSETS;
  const excluded = new Set(opts.excludeTools);
  const chosen = all.filter(
    (t) => !excluded.has(t.name) && (toolsets.includes(t.toolset) || opts.tools.includes(t.name)),
  );
  const tools = opts.readOnly ? chosen.filter((t) => !isWriteTool(t)) : chosen;
  if (tools.length === 0) {
    throw new ConfigError(
      `No tool is left to serve: ${opts.readOnly ? "the toolsets, --tools, --exclude-tools and --read-only" : "the toolsets, --tools and --exclude-tools"} together remove every tool. Valid tools: ${toolNames.join(", ")}.`,
    );
  }
  return {
    tools,
    toolsets,
    droppedByReadOnly: chosen.filter((t) => !tools.includes(t)).map((t) => t.name),
  };
}

function unknownNames(
  flag: string,
  variable: string,
  names: string[],
  valid: readonly string[],
): string | undefined {
  const unknown = [...new Set(names.filter((n) => !valid.includes(n)))];
  if (unknown.length === 0) return undefined;
  // Names come from the operator's own command line; still, cut them short for a one-line error.
  const shown = unknown.map((n) => JSON.stringify(n.slice(0, 60))).join(", ");
  return `${flag} (${variable}) has unknown name${unknown.length > 1 ? "s" : ""} ${shown}; valid: ${valid.join(", ")}.`;
}
