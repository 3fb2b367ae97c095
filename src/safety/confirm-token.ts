import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Actor } from "../tools/types.js";

/**
 * Confirmation without server state (remote mode). Elicitation needs the human's answer to come
 * back to the process that asked, which a stateless server behind a load balancer cannot
 * promise; so a destructive call without a token changes nothing and answers with the preview
 * and a signed token, and the repeat carrying that token goes ahead on whichever instance
 * receives it. The token is an HMAC-SHA256, under the secret all instances share, over the
 * tool, the SHA-256 of its canonical arguments, the actor and an expiry: other arguments,
 * another actor, another secret or a later time than the expiry make it worthless.
 *
 * Nothing is remembered, so a token can be redeemed more than once until it expires; each
 * redemption does the same thing to the same targets for the same person, as they agreed.
 */

export interface TokenConfirmation {
  /** HMAC key, shared by every instance. */
  secret: Buffer;
  /** Lifetime of a token, in seconds. */
  ttlS: number;
  /** Seconds since the epoch; tests move it. */
  now?: () => number;
}

/** The argument a destructive tool takes in remote mode. */
export const CONFIRMATION_TOKEN_ARG = "confirmation_token";

interface Payload {
  v: 1;
  /** Tool name. */
  t: string;
  /** SHA-256 (hex) of the canonical arguments. */
  a: string;
  /** `kind:id` of the actor. */
  u: string;
  /** Expiry, seconds since the epoch. */
  e: number;
  /** Random ID, named in both audit lines of the call. */
  n: string;
}

export type TokenCheck =
  | { ok: true; id: string }
  | { ok: false; reason: "signature" | "tool" | "arguments" | "actor" | "expired"; text: string };

/** JSON with object keys sorted at every depth: the same arguments always give the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function argsHash(args: Record<string, unknown>): string {
  return createHash("sha256").update(canonicalJson(args)).digest("hex");
}

function actorKey(actor: Actor): string {
  return `${actor.kind}:${actor.id}`;
}

function sign(secret: Buffer, body: string): Buffer {
  return createHmac("sha256", secret).update(body).digest();
}

function nowS(opts: TokenConfirmation): number {
  return opts.now?.() ?? Math.floor(Date.now() / 1000);
}

/**
 * Issues a token for `tool` with `args` (validated, without the token) for `actor`.
 * @returns the token (`base64url(payload).base64url(hmac)`, about 250 characters), its random
 *   ID and its expiry (seconds since the epoch).
 */
export function issueConfirmationToken(
  opts: TokenConfirmation,
  tool: string,
  args: Record<string, unknown>,
  actor: Actor,
): { token: string; id: string; expiresAt: number } {
  const payload: Payload = {
    v: 1,
    t: tool,
    a: argsHash(args),
    u: actorKey(actor),
    e: nowS(opts) + opts.ttlS,
    n: randomBytes(9).toString("base64url"),
  };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return {
    token: `${body}.${sign(opts.secret, body).toString("base64url")}`,
    id: payload.n,
    expiresAt: payload.e,
  };
}

/**
 * Checks `token` against this call. Pure: no request, no state.
 * @returns `{ ok: true, id }`, or why it is refused with a sentence for the result.
 */
export function verifyConfirmationToken(
  opts: TokenConfirmation,
  tool: string,
  args: Record<string, unknown>,
  actor: Actor,
  token: string,
): TokenCheck {
  const refuse = (reason: Exclude<TokenCheck, { ok: true }>["reason"], why: string) =>
    ({
      ok: false,
      reason,
      text: `Refused: the confirmation_token ${why}. Nothing was sent to Clerk. Call ${tool} again without confirmation_token to get a new preview and token, show the preview to the person, and repeat with the new token only if they agree.`,
    }) as const;
  const [body = "", mac = "", ...extra] = token.split(".");
  const expected = sign(opts.secret, body);
  const given = Buffer.from(mac, "base64url");
  if (extra.length > 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return refuse("signature", "is not one this server issued");
  }
  let payload: Payload;
  try {
    payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Payload;
  } catch {
    return refuse("signature", "is not one this server issued");
  }
  if (payload.t !== tool) return refuse("tool", `was issued for ${payload.t}, not ${tool}`);
  if (payload.a !== argsHash(args)) {
    return refuse("arguments", "was issued for other arguments than these");
  }
  if (payload.u !== actorKey(actor)) return refuse("actor", "was issued to someone else");
  if (!(nowS(opts) < payload.e)) return refuse("expired", "has expired");
  return { ok: true, id: payload.n };
}

/**
 * The error result's text for a destructive call made without a token: the preview (the
 * question elicitation would ask), the token, and what the assistant must do with them.
 */
export function confirmationRequiredText(
  tool: string,
  question: string,
  issued: { token: string; expiresAt: number },
  ttlS: number,
): string {
  return [
    `Not done yet: ${tool} needs the person's confirmation, and nothing was changed.`,
    `Preview: ${question}`,
    `Show this preview to the person. Only if they agree, call ${tool} again with exactly the same arguments plus confirmation_token (valid ${ttlS} s, until ${new Date(issued.expiresAt * 1000).toISOString()}):`,
    `confirmation_token: ${issued.token}`,
  ].join("\n");
}
