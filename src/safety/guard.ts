import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ClerkFailure } from "../clerk/errors.js";
import type { Logger } from "../log.js";
import { errorResult, successResult, toErrorResult } from "../results.js";
import type { AnyToolDefinition, ToolContext } from "../tools/types.js";
import {
  type AuditCall,
  type AuditLine,
  type AuditLog,
  failureFacts,
  resultCounts,
} from "./audit.js";
import { askToConfirm, canConfirm } from "./confirm.js";
import {
  confirmationRequiredText,
  issueConfirmationToken,
  verifyConfirmationToken,
} from "./confirm-token.js";
import { productionRefusal, writeMode } from "./mode.js";
import { protectedRefusal, protectedTargets } from "./protect.js";

/**
 * The write-guard pipeline: every write tool's call runs through `guardedWrite`, in this
 * order, so that no change is sent to Clerk unless all of them pass:
 * 0. the operator's protected accounts (`--protect`, src/safety/protect.ts): a call whose
 *    arguments name a protected user or organization as the target is refused, dry runs
 *    included (a dry run's "would change" would not hold). It comes first because it needs no
 *    request and its answer is final: unlike the production guard's, no restart with another
 *    flag the model might suggest would let the call through, so the text names the real
 *    reason;
 * 1. the production guard (lets through calls the tool's `readsOnly` says change nothing);
 * 2. the human's confirmation (destructive tools with a `confirm` hook, when the client
 *    supports elicitation; the hook's lookups are reads, sent before the question); in remote
 *    mode, a signed confirmation token instead (`ctx.tokenConfirmation`);
 * 3. the audit log's intent line (a call that cannot be audited is refused);
 * 4. the handler, then the audit outcome line, which follows the lost-answer rule: a write
 *    that may have been applied is `outcome_unknown`, never `failed`.
 * Each stage that stops the call records why (`reason`) in the audit log, with `ctx.actor`.
 */

export async function guardedWrite(
  server: McpServer,
  tool: AnyToolDefinition,
  args: Record<string, unknown>,
  ctx: ToolContext,
  audit: AuditLog | undefined,
): Promise<CallToolResult> {
  const { config, log } = ctx;
  const call = audit?.begin(tool.name, args, ctx.actor);
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

  const hit = protectedTargets(args, config.protectedIds);
  if (hit.length > 0) {
    return notSent(
      { outcome: "refused", reason: "protected" },
      protectedRefusal(tool.name, hit, args),
    );
  }

  if (writeMode(config) === "production-writes-blocked" && tool.readsOnly?.(args) !== true) {
    return notSent(
      { outcome: "refused", reason: "production_writes_blocked" },
      productionRefusal(tool.name),
    );
  }

  // The confirm hook's lookups are reads; a failure among them refuses the call.
  type Question = Awaited<ReturnType<NonNullable<AnyToolDefinition["confirm"]>>>;
  const lookUp = async (
    confirm: NonNullable<AnyToolDefinition["confirm"]>,
  ): Promise<{ question: Question } | { stop: CallToolResult }> => {
    try {
      return { question: await confirm(args, ctx) };
    } catch (err) {
      // Only reads were sent (the lookup naming who is affected), so nothing was changed.
      if (ctx.signal.aborted) return { stop: await cancelledByClient() };
      const detail = textOf(toErrorResult(err, log, tool.name));
      return {
        stop: await notSent(
          { outcome: "refused", reason: "confirmation_lookup_failed", ...clerkFacts(err) },
          `Not done: ${tool.name} needs the human's confirmation, and looking up who it affects failed, so nothing was changed. ${detail}`,
        ),
      };
    }
  };

  const byToken = ctx.tokenConfirmation;
  if (config.confirm && tool.confirm && byToken) {
    // Remote mode's confirmation (src/safety/confirm-token.ts): a token is checked before any
    // request; without one, the preview and a new token are the answer and nothing is sent.
    if (byToken.token !== undefined) {
      const check = verifyConfirmationToken(
        byToken.opts,
        tool.name,
        args,
        ctx.actor,
        byToken.token,
      );
      if (!check.ok) {
        return notSent(
          { outcome: "refused", reason: `confirmation_token_${check.reason}` },
          check.text,
        );
      }
      call?.confirmedBy(check.id);
    } else {
      const looked = await lookUp(tool.confirm);
      if ("stop" in looked) return looked.stop;
      if (looked.question) {
        const issued = issueConfirmationToken(byToken.opts, tool.name, args, ctx.actor);
        return notSent(
          { outcome: "awaiting_confirmation", confirmation_id: issued.id },
          confirmationRequiredText(tool.name, looked.question.message, issued, byToken.opts.ttlS),
        );
      }
    }
  } else if (config.confirm && tool.confirm && canConfirm(server.server)) {
    const looked = await lookUp(tool.confirm);
    if ("stop" in looked) return looked.stop;
    const question = looked.question;
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
  "outcome" | "reason" | "http_status" | "clerk_trace_id" | "counts" | "confirmation_id"
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
