import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { type Actor, LOCAL_OPERATOR } from "../tools/types.js";
import type { RemoteOptions, TokenEntry, WriterRule } from "./http-config.js";

/**
 * Who is calling (remote mode) and whether they may write. Static bearer tokens are compared
 * by their SHA-256, in constant time against every entry, so neither the configuration nor
 * the timing tells a token.
 */

/** The bearer token of `Authorization: Bearer …`, if the header is that. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** The entry whose hash matches `token`, compared with each entry in constant time. */
export function matchToken(entries: readonly TokenEntry[], token: string): TokenEntry | undefined {
  const digest = createHash("sha256").update(token, "utf8").digest();
  let found: TokenEntry | undefined;
  for (const entry of entries) {
    if (timingSafeEqual(entry.sha256, digest)) found ??= entry;
  }
  return found;
}

/**
 * The caller of `req`, or undefined when it did not authenticate. `--auth none` (loopback only)
 * makes every caller the local operator, as over stdio.
 */
export function authenticate(req: IncomingMessage, remote: RemoteOptions): Actor | undefined {
  if (remote.auth === "none") return { ...LOCAL_OPERATOR };
  const token = bearerToken(req);
  const entry = token === undefined ? undefined : matchToken(remote.tokens, token);
  return entry ? { kind: "token", id: entry.name } : undefined;
}

/**
 * True when `actor` is among `writers`: a `user_…` ID or email address names a signed-in
 * person, a name names a static token (or, as `local`, the caller under `--auth none`).
 * `org_…:ROLE` entries need Clerk sign-in (not available in this version) and match nobody.
 */
export function mayWrite(actor: Actor, writers: readonly WriterRule[]): boolean {
  return writers.some((rule) => {
    switch (rule.kind) {
      case "user":
        return actor.kind === "user" && actor.id === rule.id;
      case "email":
        return actor.kind === "user" && actor.email?.toLowerCase() === rule.email;
      case "token":
        return (
          (actor.kind === "token" && actor.id === rule.name) ||
          (actor.kind === "local" && rule.name === "local")
        );
      default:
        // org_…:ROLE needs a signed-in person's memberships (--auth clerk).
        return false;
    }
  });
}
