import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";
import type { ClerkGateway } from "../clerk/client.js";
import { ClerkFailure, errorResult, toErrorResult } from "../clerk/errors.js";
import type { Config } from "../config.js";
import { type Logger, redact } from "../log.js";
import {
  type AuditCall,
  type AuditLine,
  type AuditLog,
  failureFacts,
  resultCounts,
} from "../safety/audit.js";
import { askToConfirm, canConfirm } from "../safety/confirm.js";
import { productionRefusal, writeMode } from "../safety/mode.js";
import { isWriteTool } from "../safety/selection.js";
import { invitationTools } from "./invitations.js";
import { serveToolList } from "./listing.js";
import { organizationInvitationTools } from "./organization-invitations.js";
import { organizationTools } from "./organizations.js";
import type { AnyToolDefinition, ToolContext, ToolSuccess } from "./types.js";
import { userTools } from "./users.js";

/** Every tool the server knows, in the order `tools/list` shows them. */
export const ALL_TOOLS = [
  ...invitationTools,
  ...organizationInvitationTools,
  ...userTools,
  ...organizationTools,
] satisfies readonly AnyToolDefinition[];

/** The name of a tool in ALL_TOOLS, as a literal type: tables keyed by it must name every tool. */
export type ToolName = (typeof ALL_TOOLS)[number]["name"];

export interface RegistryDeps {
  clerk: ClerkGateway;
  config: Config;
  log: Logger;
  /** Set when `--audit-log` is: every write call is recorded, and refused if it cannot be. */
  audit?: AuditLog;
}

/**
 * Registers `tools` (already selected: src/safety/selection.ts) on `server`. Input is
 * validated by the SDK against a strict object (unknown keys such as `invitationId` are
 * refused), every handler runs inside the error mapper, and success results carry
 * `structuredContent` plus the same JSON as text.
 *
 * A write tool (`readOnlyHint` not true) runs behind the operator's guards, in this order,
 * so that no change is sent to Clerk unless all of them pass: the production guard (which lets
 * through calls the tool's `readsOnly` says change nothing), the human's confirmation
 * (destructive tools with a `confirm` hook, when the client supports elicitation; the hook's
 * lookups are reads, sent before the question), then the audit log's intent line.
 */
export function registerTools(
  server: McpServer,
  tools: readonly AnyToolDefinition[],
  deps: RegistryDeps,
): void {
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: z.strictObject(tool.input, {
          error: (issue) => unknownArguments(issue, tool),
        }),
        outputSchema: z.object(tool.output),
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (args, extra): Promise<CallToolResult> => {
        const ctx: ToolContext = { ...deps, signal: extra.signal, extra };
        if (isWriteTool(tool)) return runWrite(server, tool, args, ctx, deps.audit);
        try {
          return successResult(await tool.handler(args, ctx));
        } catch (err) {
          return toErrorResult(err, deps.log, tool.name);
        }
      },
    );
  }
  serveToolList(server, tools);
}

async function runWrite(
  server: McpServer,
  tool: AnyToolDefinition,
  args: Record<string, unknown>,
  ctx: ToolContext,
  audit: AuditLog | undefined,
): Promise<CallToolResult> {
  const { config, log } = ctx;
  const call = audit?.begin(tool.name, args);
  const notSent = async (facts: OutcomeFacts, text: string) => {
    await recordOutcome(call, facts, log);
    return errorResult(text);
  };
  // The SDK sends no result for a cancelled request; the audit line is what remains.
  const cancelledByClient = () =>
    notSent(
      { outcome: "cancelled", reason: "client_cancelled" },
      `Not done: the client cancelled ${tool.name}. Nothing was changed.`,
    );

  if (writeMode(config) === "production-writes-blocked" && tool.readsOnly?.(args) !== true) {
    return notSent(
      { outcome: "refused", reason: "production_writes_blocked" },
      productionRefusal(tool.name),
    );
  }

  if (config.confirm && tool.confirm && canConfirm(server.server)) {
    let question: Awaited<ReturnType<NonNullable<AnyToolDefinition["confirm"]>>>;
    try {
      question = await tool.confirm(args, ctx);
    } catch (err) {
      // Only reads were sent (the lookup naming who is affected), so nothing was changed.
      if (ctx.signal.aborted) return cancelledByClient();
      const detail = textOf(toErrorResult(err, log, tool.name));
      return notSent(
        { outcome: "refused", reason: "confirmation_lookup_failed", ...clerkFacts(err) },
        `Not done: ${tool.name} needs the human's confirmation, and looking up who it affects failed, so nothing was changed. ${detail}`,
      );
    }
    if (question) {
      let answer: Awaited<ReturnType<typeof askToConfirm>>;
      try {
        answer = await askToConfirm(server.server, question.message, ctx.extra);
      } catch (err) {
        // The client cancelled the call (notifications/cancelled) while the human was asked.
        if (ctx.signal.aborted) return cancelledByClient();
        log.error(`confirmation for ${tool.name} failed`, err);
        return notSent(
          { outcome: "refused", reason: "confirmation_failed" },
          `Not done: ${tool.name} needs the human's confirmation, and it could not be obtained (${err instanceof Error ? err.message : "no answer"}). Nothing was changed.`,
        );
      }
      if (answer === "decline") {
        return notSent(
          { outcome: "declined" },
          `Not done: the human declined to confirm ${tool.name}. Nothing was changed.`,
        );
      }
      if (answer === "cancel") {
        return notSent(
          { outcome: "cancelled" },
          `Not done: the human dismissed the confirmation for ${tool.name} without answering. Nothing was changed.`,
        );
      }
    }
  }

  if (call) {
    // Nothing has been changed yet; the call is refused here if it cannot be audited.
    try {
      await call.intent();
    } catch (err) {
      log.error("audit log: cannot write", err);
      return errorResult(
        `Refused: this server makes no unaudited writes, and the audit log could not be written. Nothing was sent to Clerk. The operator should check the --audit-log file (details in the server's stderr log).`,
      );
    }
  }

  try {
    const result = await tool.handler(args, ctx);
    const counts = resultCounts(result.structured);
    // A bulk call with items whose writes may or may not have been applied is not a plain success.
    const outcome = counts?.outcome_unknown ? "outcome_unknown" : "succeeded";
    await recordOutcome(call, { outcome, ...(counts ? { counts } : {}) }, log);
    return successResult(result);
  } catch (err) {
    const facts = failureFacts(err);
    // A call that only reads (a dry run) changed nothing, whenever it was cancelled.
    if (facts.outcome === "outcome_unknown" && tool.readsOnly?.(args) === true) {
      facts.outcome =
        err instanceof ClerkFailure && err.kind === "cancelled" ? "cancelled" : "failed";
    }
    await recordOutcome(call, facts, log);
    return toErrorResult(err, log, tool.name);
  }
}

type OutcomeFacts = Pick<
  AuditLine,
  "outcome" | "reason" | "http_status" | "clerk_trace_id" | "counts"
>;

// The change (if any) has already happened or been refused; a lost outcome line is logged,
// and the intent line written before the call still shows the attempt.
async function recordOutcome(
  call: AuditCall | undefined,
  facts: OutcomeFacts,
  log: Logger,
): Promise<void> {
  if (!call) return;
  try {
    await call.outcome(facts);
  } catch (err) {
    log.error("audit log: cannot write the outcome line", err);
  }
}

/** The HTTP status and trace ID of a failed Clerk request, for an outcome line. */
function clerkFacts(err: unknown): Pick<OutcomeFacts, "http_status" | "clerk_trace_id"> {
  const { http_status, clerk_trace_id } = failureFacts(err);
  return { http_status, clerk_trace_id };
}

function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join(" ");
}

function successResult(result: ToolSuccess<Record<string, unknown>>): CallToolResult {
  const json = JSON.stringify(result.structured);
  const content: CallToolResult["content"] = [];
  if (result.summary) content.push({ type: "text", text: redact(result.summary) });
  content.push({ type: "text", text: json });
  return { structuredContent: result.structured, content };
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
