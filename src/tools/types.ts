import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type * as z from "zod";
import type { ClerkGateway } from "../clerk/client.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import type { TokenConfirmation } from "../safety/confirm-token.js";

/**
 * Who a call is made for. Over stdio it is always the local operator (whoever holds the secret
 * key on this machine); a remote transport sets the signed-in person or the token's name.
 */
export interface Actor {
  kind: "local" | "user" | "token";
  /** `local`, a `user_…` ID, or a token's name. */
  id: string;
  /** The person's primary email address, when known. */
  email?: string;
  /** Remote mode: the caller's IP address as the server saw it (audit lines only). */
  clientIp?: string;
}

/** The actor of every stdio call. */
export const LOCAL_OPERATOR: Actor = { kind: "local", id: "local" };

import type { Toolset } from "../toolsets.js";

export type { Toolset };

export interface Annotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** What every handler gets besides its validated arguments. */
export interface ToolContext {
  clerk: ClerkGateway;
  config: Config;
  log: Logger;
  /** Who the call is made for: recorded on every audit line. */
  actor: Actor;
  /** MCP cancellation for this call. */
  signal: AbortSignal;
  /** The SDK's per-request extras: progress notifications, elicitation, the client's capabilities. */
  extra: RequestHandlerExtra<ServerRequest, ServerNotification>;
  /**
   * Remote mode: destructive calls confirm with a signed token instead of elicitation
   * (src/safety/confirm-token.ts); `token` is the call's `confirmation_token`, if any.
   */
  tokenConfirmation?: { opts: TokenConfirmation; token: string | undefined };
}

/** The question put to the human before a destructive call. */
export interface Confirmation {
  /** Names who is affected: email, status, creation date; for bulk calls a count and a few. */
  message: string;
}

/** A successful result: `structured` becomes `structuredContent` and a JSON text block. */
export interface ToolSuccess<O> {
  structured: O;
  /** One plain sentence on what happened, shown before the JSON. */
  summary?: string;
}

/**
 * One tool, defined in one place. The registry turns it into an MCP tool: it validates input
 * (strict: unknown keys are refused), wraps the handler in the error mapper and adds the
 * JSON text block.
 */
export interface ToolDefinition<
  I extends z.ZodRawShape,
  O extends z.ZodRawShape,
  N extends string = string,
> {
  name: N;
  title: string;
  description: string;
  toolset: Toolset;
  input: I;
  output: O;
  annotations: Annotations;
  /**
   * Destructive tools only: describes who is affected, for the human to confirm through
   * elicitation before `handler` runs. Returns undefined only when the call cannot lose
   * anything: a dry run, a lookup showing every target already revoked, accepted or expired,
   * a metadata patch that only adds keys, or a get by ID (getUser, getOrganization,
   * getOrganizationInvitation) answered 404, after which the handler fails with Clerk's
   * not-found error. A target that a list search did not find (findInvitation,
   * findMembership) may still exist, and is asked about by its ID; a lookup that failed
   * otherwise refuses the call.
   */
  confirm?(args: z.infer<z.ZodObject<I>>, ctx: ToolContext): Promise<Confirmation | undefined>;
  /**
   * Write tools only: true when this call, with these arguments, changes nothing (a dry run).
   * The production guard then lets it through; it is still audited, and `confirm` still
   * decides whether to ask. Absent means every call may change something.
   */
  readsOnly?(args: z.infer<z.ZodObject<I>>): boolean;
  // Method syntax on purpose: its parameters are checked bivariantly, which lets tools of
  // different shapes sit in one `AnyToolDefinition[]` without erasing types to `any`.
  handler(
    args: z.infer<z.ZodObject<I>>,
    ctx: ToolContext,
  ): Promise<ToolSuccess<z.infer<z.ZodObject<O>>>>;
}

export type AnyToolDefinition = ToolDefinition<z.ZodRawShape, z.ZodRawShape>;

/**
 * Identity function that keeps a tool's input and output types tied to its handler, and its
 * name as a literal type (so `ToolName` in registry.ts lists every tool).
 */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape, N extends string>(
  def: ToolDefinition<I, O, N>,
): ToolDefinition<I, O, N> {
  return def;
}
