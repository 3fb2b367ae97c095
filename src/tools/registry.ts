import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";
import type { ClerkGateway } from "../clerk/client.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { successResult, toErrorResult } from "../results.js";
import type { AuditLog } from "../safety/audit.js";
import { CONFIRMATION_TOKEN_ARG, type TokenConfirmation } from "../safety/confirm-token.js";
import { guardedWrite } from "../safety/guard.js";
import type { InFlight } from "../safety/inflight.js";
import { isWriteTool } from "../safety/selection.js";
import { invitationTools } from "./invitations.js";
import { serveToolList } from "./listing.js";
import { organizationInvitationTools } from "./organization-invitations.js";
import { organizationTools } from "./organizations.js";
import { restrictionTools } from "./restrictions.js";
import { sessionTools } from "./sessions.js";
import { type Actor, type AnyToolDefinition, LOCAL_OPERATOR, type ToolContext } from "./types.js";
import { userTools } from "./users.js";
import { waitlistTools } from "./waitlist.js";

/** Every tool the server knows, in the order `tools/list` shows them. */
export const ALL_TOOLS = [
  ...invitationTools,
  ...organizationInvitationTools,
  ...userTools,
  ...organizationTools,
  ...sessionTools,
  ...restrictionTools,
  ...waitlistTools,
] satisfies readonly AnyToolDefinition[];

/** The name of a tool in ALL_TOOLS, as a literal type: tables keyed by it must name every tool. */
export type ToolName = (typeof ALL_TOOLS)[number]["name"];

export interface RegistryDeps {
  clerk: ClerkGateway;
  config: Config;
  log: Logger;
  /** Set when `--audit-log` is: every write call is recorded, and refused if it cannot be. */
  audit?: AuditLog;
  /** Set by the server: each write call, audit outcome line included, is tracked for shutdown. */
  inflight?: InFlight;
  /** Who the calls are made for; the local operator unless the transport says otherwise. */
  actor?: Actor;
  /**
   * Remote mode: destructive tools (those with a `confirm` hook) take an optional
   * `confirmation_token` and confirm with it instead of elicitation (src/safety/confirm-token.ts).
   * Over stdio it is absent, and so is the argument: stdio's tools/list stays as it was.
   */
  tokenConfirmation?: TokenConfirmation;
}

/** The extra argument of destructive tools in remote mode. */
const CONFIRMATION_TOKEN = z
  .string()
  .min(1)
  .max(2_000)
  .optional()
  .describe("From this tool's preview; send only after the person agrees.");

/**
 * Registers `tools` (already selected: src/safety/selection.ts) on `server`. Input is
 * validated by the SDK against a strict object (unknown keys such as `invitationId` are
 * refused), every handler runs inside the error mapper, and success results carry
 * `structuredContent` plus the same JSON as text.
 *
 * A write tool (`readOnlyHint` not true) runs behind the operator's guards
 * (src/safety/guard.ts).
 */
export function registerTools(
  server: McpServer,
  tools: readonly AnyToolDefinition[],
  deps: RegistryDeps,
): void {
  const { tokenConfirmation, ...shared } = deps;
  for (const tool of tools) {
    const takesToken = tokenConfirmation !== undefined && tool.confirm !== undefined;
    const input = takesToken
      ? { ...tool.input, [CONFIRMATION_TOKEN_ARG]: CONFIRMATION_TOKEN }
      : tool.input;
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: z.strictObject(input, {
          error: (issue) => unknownArguments(issue, tool),
        }),
        outputSchema: z.object(tool.output),
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (input, extra): Promise<CallToolResult> => {
        const { [CONFIRMATION_TOKEN_ARG]: token, ...args } = input;
        const ctx: ToolContext = {
          ...shared,
          actor: deps.actor ?? LOCAL_OPERATOR,
          signal: extra.signal,
          extra,
          ...(tokenConfirmation
            ? {
                tokenConfirmation: {
                  opts: tokenConfirmation,
                  token: typeof token === "string" ? token : undefined,
                },
              }
            : {}),
        };
        if (isWriteTool(tool)) {
          const write = guardedWrite(server, tool, args, ctx, deps.audit);
          return deps.inflight?.track(write) ?? write;
        }
        try {
          return successResult(await tool.handler(args, ctx));
        } catch (err) {
          return toErrorResult(err, deps.log, tool.name);
        }
      },
    );
  }
  serveToolList(server, tools, tokenConfirmation ? CONFIRMATION_TOKEN : undefined);
}

/**
 * The message for arguments a tool does not take: names them, suggests the snake_case name
 * when the model sent the camelCase one (`invitationId`), and lists what the tool takes.
 * Other issues keep zod's message (undefined).
 */
export function unknownArguments(
  issue: { code?: string; keys?: readonly string[] },
  tool: Pick<AnyToolDefinition, "name" | "input">,
): string | undefined {
  if (issue.code !== "unrecognized_keys" || !issue.keys) return undefined;
  const known = Object.keys(tool.input);
  const named = issue.keys.map((key) => {
    const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    return snake !== key && known.includes(snake) ? `${key} (did you mean ${snake}?)` : key;
  });
  const plural = named.length > 1 ? "s" : "";
  return `${tool.name} does not take the argument${plural} ${named.join(", ")}; it takes ${known.join(", ") || "no arguments"}.`;
}
