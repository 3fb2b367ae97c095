import { createHash, createPublicKey, type JsonWebKey } from "node:crypto";
import type { ClerkGateway } from "../clerk/client.js";
import { ClerkFailure } from "../clerk/errors.js";
import type { Actor } from "../tools/types.js";
import type { ClerkAuthOptions } from "./http-config.js";

/**
 * `--auth clerk`: this server as an OAuth 2.1 protected resource (MCP authorization,
 * 2025-11-25; RFC 9728) whose authorization server is a Clerk instance. Every access token is
 * verified with `@clerk/backend`, through the Clerk gateway (so under its timeouts and
 * retries, and always with the secret key: the person's token is only ever the body of the
 * verify request, never a credential):
 * - opaque tokens (`oat_…`): `POST /v1/oauth_applications/access_tokens/verify`;
 * - JWT access tokens (`typ: at+jwt`): signature against the instance's keys
 *   (`GET /v1/jwks`, kept 5 minutes), then `verifyMachineAuthToken`'s checks.
 * Then, whatever the HTTP status of Clerk's answer: not revoked, not expired (by Clerk's flag
 * and by its expiry), a `user_…` subject, and an audience that names this server's resource.
 * A token verified is kept at most `cacheTtlMs` (60 s) and never past its expiry, so a
 * revocation takes effect within a minute; the cache holds at most `cacheSize` tokens (by
 * SHA-256, never the token).
 */

/** The RFC 9728 document, served at `/.well-known/oauth-protected-resource[/mcp]`. */
export function protectedResourceMetadata(auth: ClerkAuthOptions): Record<string, unknown> {
  return {
    resource: auth.resource,
    authorization_servers: [auth.issuer],
    bearer_methods_supported: ["header"],
    resource_name: "clerk-admin-mcp",
  };
}

/** Where the metadata of `auth.resource` is published (RFC 9728 §3.1: path inserted). */
export function resourceMetadataUrl(auth: ClerkAuthOptions): string {
  const url = new URL(auth.resource);
  return `${url.origin}/.well-known/oauth-protected-resource${url.pathname}`;
}

export type Verification =
  | { ok: true; actor: Actor }
  /** The token is not good for this server: 401. */
  | { ok: false; invalid: true; reason: string }
  /** Clerk could not be asked (timeout, 5xx, network): 503, the token may be fine. */
  | { ok: false; invalid: false; reason: string };

export interface TokenVerifier {
  verify(token: string): Promise<Verification>;
  /**
   * The `(organization ID, role)` pairs of `userId`'s memberships, read with the secret key
   * (`GET /v1/users/{id}/organization_memberships`), kept `cacheTtlMs`.
   * @throws ClerkFailure when Clerk cannot be asked.
   */
  memberships(userId: string): Promise<ReadonlyArray<{ organizationId: string; role: string }>>;
}

export interface TokenVerifierOptions {
  clerk: ClerkGateway;
  auth: ClerkAuthOptions;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
  cacheTtlMs?: number;
  cacheSize?: number;
}

export const TOKEN_CACHE_TTL_MS = 60_000;
export const TOKEN_CACHE_SIZE = 1_000;
const JWKS_TTL_MS = 5 * 60_000;
const JWT_FORMAT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

interface VerifiedToken {
  subject: string;
  /** Unix ms. */
  expiresAt: number;
}

export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const { clerk, auth } = opts;
  const now = opts.now ?? Date.now;
  const ttl = opts.cacheTtlMs ?? TOKEN_CACHE_TTL_MS;
  const size = opts.cacheSize ?? TOKEN_CACHE_SIZE;
  const tokens = new Map<string, { actor: Actor; until: number }>();
  const orgs = new Map<
    string,
    { until: number; list: Array<{ organizationId: string; role: string }> }
  >();
  let jwks: { until: number; keys: Map<string, string> } | undefined;

  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    map.delete(key);
    // Insertion order is age order: the oldest entry goes first.
    while (map.size >= size) map.delete(map.keys().next().value as string);
    map.set(key, value);
  };

  /** The instance's signing keys by `kid`, as PEM (what `jwtKey` takes). */
  const signingKey = async (kid: string): Promise<string | undefined> => {
    if (!jwks || jwks.until <= now() || !jwks.keys.has(kid)) {
      const answer = await clerk.call((c) => c.jwks.getJwks(), { idempotent: true });
      const keys = new Map<string, string>();
      for (const jwk of answer.keys ?? []) {
        if (jwk.kty !== "RSA" || typeof jwk.kid !== "string") continue;
        const pem = createPublicKey({ key: { ...jwk } as JsonWebKey, format: "jwk" }).export({
          type: "spki",
          format: "pem",
        });
        keys.set(jwk.kid, String(pem));
      }
      jwks = { until: now() + JWKS_TTL_MS, keys };
    }
    return jwks.keys.get(kid);
  };

  const verifyJwt = async (token: string): Promise<VerifiedToken | string> => {
    const [header, payload] = token.split(".").map(decodeSegment);
    if (!header || !payload) return "the token is not a JWT";
    if (payload.iss !== auth.issuer)
      return "the token was not issued by this server's Clerk instance";
    const kid = typeof header.kid === "string" ? header.kid : "";
    const pem = await signingKey(kid);
    if (!pem) return "the token is not signed by one of the instance's keys";
    const { verifyMachineAuthToken } = await import("@clerk/backend/internal");
    const result = await verifyMachineAuthToken(token, {
      jwtKey: pem,
      audience: auth.resource,
      clockSkewInMs: 0,
    });
    if (result.errors || !result.data || result.tokenType !== "oauth_token") {
      return result.errors?.[0]?.message ?? "not an OAuth access token";
    }
    const data = result.data as { subject: string; expiration: number | null; aud?: string[] };
    return checkToken({ ...data, revoked: false, expired: false, aud: payload.aud });
  };

  const verifyOpaque = async (token: string): Promise<VerifiedToken | string> => {
    let data: Record<string, unknown>;
    try {
      const answer = await clerk.call((c) => c.idPOAuthAccessToken.verify(token), {
        idempotent: true,
      });
      data = answer as unknown as Record<string, unknown>;
    } catch (err) {
      // Clerk's own 4xx is its answer about the token; anything else says nothing about it.
      if (err instanceof ClerkFailure && err.kind === "http" && (err.status ?? 0) < 500) {
        if (err.status === 401 || err.status === 403) throw err;
        return `Clerk did not accept the token (HTTP ${err.status})`;
      }
      throw err;
    }
    return checkToken(data);
  };

  /** The checks that hold whatever Clerk's answer looked like. */
  const checkToken = (data: Record<string, unknown>): VerifiedToken | string => {
    if (data.revoked !== false) return "the token is revoked";
    if (data.expired !== false) return "the token is expired";
    const expiresAt = toMs(data.expiration);
    if (expiresAt === undefined || expiresAt <= now()) return "the token is expired";
    const subject = data.subject;
    if (typeof subject !== "string" || !/^user_[A-Za-z0-9]+$/.test(subject)) {
      return "the token was not issued to a person (user_…)";
    }
    const aud = data.aud === undefined ? [] : [data.aud].flat();
    if (aud.length === 0) return "the token has no audience";
    if (!aud.includes(auth.resource)) return `the token's audience is not ${auth.resource}`;
    return { subject, expiresAt };
  };

  const primaryEmail = async (userId: string): Promise<string | undefined> => {
    const user = await clerk.call((c) => c.users.getUser(userId), { idempotent: true });
    return user.emailAddresses.find((e) => e.id === user.primaryEmailAddressId)?.emailAddress;
  };

  return {
    async verify(token) {
      const key = createHash("sha256").update(token).digest("base64url");
      const cached = tokens.get(key);
      if (cached && cached.until > now()) return { ok: true, actor: cached.actor };
      tokens.delete(key);
      let verified: VerifiedToken | string;
      try {
        if (JWT_FORMAT.test(token)) verified = await verifyJwt(token);
        else if (token.startsWith("oat_")) verified = await verifyOpaque(token);
        else verified = "not a Clerk OAuth access token";
        if (typeof verified === "string") return { ok: false, invalid: true, reason: verified };
        const email = await primaryEmail(verified.subject);
        const actor: Actor = { kind: "user", id: verified.subject, ...(email ? { email } : {}) };
        remember(tokens, key, { actor, until: Math.min(now() + ttl, verified.expiresAt) });
        return { ok: true, actor };
      } catch (err) {
        const why = err instanceof ClerkFailure ? err.message : "an internal error";
        return {
          ok: false,
          invalid: false,
          reason: `could not verify the token with Clerk: ${why}`,
        };
      }
    },
    async memberships(userId) {
      const cached = orgs.get(userId);
      if (cached && cached.until > now()) return cached.list;
      const page = await clerk.call(
        (c) => c.users.getOrganizationMembershipList({ userId, limit: 500 }),
        { idempotent: true },
      );
      const list = page.data.map((m) => ({ organizationId: m.organization.id, role: m.role }));
      remember(orgs, userId, { list, until: now() + ttl });
      return list;
    },
  };
}

function decodeSegment(segment: string | undefined): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(segment ?? "", "base64url").toString("utf8")) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Clerk's `expiration`: Unix ms, or Unix seconds (the spec's example), or null (never). */
function toMs(value: unknown): number | undefined {
  if (typeof value !== "number" || !Number.isFinite(value)) return undefined;
  return value < 1e12 ? value * 1000 : value;
}
