import { createHash, randomUUID } from "node:crypto";
import { appendFile } from "node:fs/promises";
import { ClerkFailure, OutcomeUnknown, ToolError } from "../clerk/errors.js";
import type { InstanceKind } from "../config.js";
import { redact } from "../log.js";
import type { Actor } from "../tools/types.js";

/**
 * The audit log (`--audit-log FILE`): JSON Lines, appended, one object per line.
 *
 * A write call leaves two lines sharing a `call_id`: an `intent` line written BEFORE the
 * request that may change something is sent to Clerk, and an `outcome` line after. Only reads
 * can come before the intent line: the lookups that name who is affected, for the human's
 * confirmation. One line cannot do both jobs: the issue asks that a write be refused when its
 * line cannot be written, which only a line written first can guarantee, and that the outcome
 * and trace ID be recorded, which only a line written after can. An `intent` without an
 * `outcome` means the server stopped mid-call. A call stopped before its change was sent
 * (refused, declined, cancelled) leaves only an `outcome` line, so there is exactly one
 * `outcome` line per write call, unless the log itself cannot be written.
 *
 * Recorded: time, tool, target IDs (and email addresses of create calls), instance kind, the
 * actor (who the call was made for), a key fingerprint. Never recorded: the key, metadata, or
 * any other argument value. Each line goes through `redact` once serialized, every field
 * included: a trace ID or name that came from the network may echo the key.
 */

export type AuditOutcome =
  /** The handler returned a result. For bulk tools, `counts` has the per-item tally. */
  | "succeeded"
  /** The handler failed; Clerk did not apply the change, as far as the error says. */
  | "failed"
  /** Failed in a way that Clerk may nonetheless have applied (timeout, reset, 5xx). */
  | "outcome_unknown"
  /**
   * Not sent: a target is operator-protected (`protected`), production writes are off
   * (`production_writes_blocked`), the lookup for the
   * confirmation failed (`confirmation_lookup_failed`, with its `http_status` and trace ID),
   * or the human's answer could not be obtained (`confirmation_failed`).
   */
  | "refused"
  /** Not sent: the human said no. */
  | "declined"
  /**
   * Not sent: remote mode answered with a preview and a confirmation token
   * (`confirmation_id`); the repeat that carries the token has lines of its own with the same
   * `confirmation_id`.
   */
  | "awaiting_confirmation"
  /**
   * Not sent: the human dismissed the confirmation, or the client cancelled the call before
   * its change was sent (`reason: client_cancelled`).
   */
  | "cancelled";

export interface AuditLine {
  time: string;
  call_id: string;
  stage: "intent" | "outcome";
  tool: string;
  /** `*_id`, `*_ids`, `email_address` and `email_addresses` arguments, by name. */
  targets: Record<string, string | string[]>;
  dry_run?: boolean;
  instance: InstanceKind;
  /** Who the call was made for: `local` over stdio, else the signed-in person or token name. */
  actor: { kind: Actor["kind"]; id: string; email?: string };
  /** Remote mode only: the caller's IP address as this server saw it (the TCP peer). */
  client_ip?: string;
  /**
   * Remote mode only: the ID of the confirmation token a destructive call was issued
   * (`awaiting_confirmation`) or went ahead with, linking the two steps.
   */
  confirmation_id?: string;
  /** `sha256:` and the first 16 hex digits of SHA-256 over the secret key. */
  key_fingerprint: string;
  outcome?: AuditOutcome;
  /** Why a call was refused or cancelled (see `AuditOutcome`); outcome lines only. */
  reason?: string;
  http_status?: number | null;
  clerk_trace_id?: string | null;
  /** Bulk tools' per-item counts, when their result has a `counts` object of numbers. */
  counts?: Record<string, number>;
}

/** An irreversible, stable identifier of the key: enough to tell keys apart, not to recover one. */
export function keyFingerprint(secretKey: string): string {
  return `sha256:${createHash("sha256").update(secretKey).digest("hex").slice(0, 16)}`;
}

// IDs, the addresses an invitation goes to, and what names an organization being created or
// renamed (it has no ID before Clerk answers).
const TARGET_ARG = /(_ids?|^email_address(es)?|^name|^slug|^created_by)$/;

/** The arguments that name what a call acts on. Everything else, metadata first, is left out. */
export function auditTargets(args: Record<string, unknown>): Record<string, string | string[]> {
  const targets: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(args)) {
    if (!TARGET_ARG.test(name)) continue;
    if (typeof value === "string") targets[name] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
      targets[name] = value;
    }
  }
  return targets;
}

/** HTTP status, trace ID and outcome of a handler's failure. */
export function failureFacts(err: unknown): {
  outcome: AuditOutcome;
  http_status: number | null;
  clerk_trace_id: string | null;
} {
  if (err instanceof ClerkFailure) {
    return {
      outcome: err.outcomeUnknown || err.kind === "cancelled" ? "outcome_unknown" : "failed",
      http_status: err.status ?? null,
      clerk_trace_id: err.traceId ?? null,
    };
  }
  if (err instanceof ToolError) {
    return {
      outcome: err instanceof OutcomeUnknown ? "outcome_unknown" : "failed",
      http_status: err.clerkCause?.status ?? null,
      clerk_trace_id: err.clerkCause?.traceId ?? null,
    };
  }
  return { outcome: "failed", http_status: null, clerk_trace_id: null };
}

/** `counts` of a bulk result, when it is an object of numbers. */
export function resultCounts(
  structured: Record<string, unknown>,
): Record<string, number> | undefined {
  const counts = structured.counts;
  if (typeof counts !== "object" || counts === null || Array.isArray(counts)) return undefined;
  const entries = Object.entries(counts);
  return entries.every(([, v]) => typeof v === "number")
    ? (Object.fromEntries(entries) as Record<string, number>)
    : undefined;
}

export interface AuditLog {
  /** Starts a call's record; nothing is written until `intent` or `outcome`. */
  begin(tool: string, args: Record<string, unknown>, actor: Actor): AuditCall;
}

export interface AuditCall {
  /** Writes the intent line. Rejects when it cannot be written: the caller must not write. */
  intent(): Promise<void>;
  /** Writes the outcome line. */
  outcome(
    facts: Pick<
      AuditLine,
      "outcome" | "reason" | "http_status" | "clerk_trace_id" | "counts" | "confirmation_id"
    >,
  ): Promise<void>;
  /** Adds the confirmation token's ID to the lines written after this. */
  confirmedBy(confirmationId: string): void;
}

/**
 * An audit log appending to `file` (created with mode 0600). Each line is one `appendFile`
 * call, opened with O_APPEND, so concurrent calls never interleave within a line and log
 * rotation by renaming is picked up at the next line.
 */
export function createAuditLog(
  file: string,
  identity: { instance: InstanceKind; secretKey: string },
  now: () => Date = () => new Date(),
): AuditLog {
  const key_fingerprint = keyFingerprint(identity.secretKey);
  const write = (line: AuditLine) =>
    appendFile(file, `${redact(JSON.stringify(line))}\n`, {
      encoding: "utf8",
      mode: 0o600,
      flag: "a",
    });
  return {
    begin(tool, args, actor) {
      const call_id = randomUUID();
      const base: Omit<AuditLine, "time" | "stage"> = {
        call_id,
        tool,
        targets: auditTargets(args),
        ...(typeof args.dry_run === "boolean" ? { dry_run: args.dry_run } : {}),
        instance: identity.instance,
        actor: { kind: actor.kind, id: actor.id, ...(actor.email ? { email: actor.email } : {}) },
        ...(actor.clientIp ? { client_ip: actor.clientIp } : {}),
        key_fingerprint,
      };
      return {
        intent: () => write({ time: now().toISOString(), stage: "intent", ...base }),
        outcome: (facts) =>
          write({
            time: now().toISOString(),
            stage: "outcome",
            ...base,
            http_status: null,
            clerk_trace_id: null,
            ...facts,
          }),
        confirmedBy: (confirmationId) => {
          base.confirmation_id = confirmationId;
        },
      };
    },
  };
}

/**
 * Checks at start that `file` can be appended to, creating it (mode 0600) if needed; writes
 * nothing to it.
 * @throws the `appendFile` error (a Node system error: `ENOENT` when the folder is missing,
 * `EACCES`, `EISDIR`, …) when it cannot be.
 */
export async function probeAuditLog(file: string): Promise<void> {
  await appendFile(file, "", { encoding: "utf8", mode: 0o600, flag: "a" });
}
