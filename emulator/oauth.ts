import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";
import { ApiError } from "./errors.js";
import { clerkId } from "./ids.js";
import type { StoredUser } from "./state.js";

/**
 * The Clerk instance's OAuth side, for `--auth clerk` tests: what its frontend API serves
 * (authorization server metadata, dynamic client registration, the authorization endpoint,
 * the token endpoint, its JWKS) and what the Backend API serves about the tokens it issued
 * (`POST /v1/oauth_applications/access_tokens/verify`, `GET /v1/jwks`). The emulator's own
 * origin plays the frontend API, so a server under test names it with
 * `CLERK_MCP_AUTH_SERVER_URL`.
 *
 * The authorization endpoint has no sign-in page: it approves at once as the user named by
 * the `emulator_user` query parameter (a seeded `user_…` ID), else the first seeded user.
 * PKCE with S256 is required, as OAuth 2.1 asks. Access tokens are opaque (`oat_…`) or JWTs
 * (`typ: at+jwt`, RS256, `kid`), as `setTokenFormat` says; their audience is the `resource`
 * the client asked for (RFC 8707), and none when it asked for none.
 */

export type TokenFormat = "opaque" | "jwt";

export interface IssuedToken {
  /** `oat_` and 32 hex digits: the token's ID, and the token itself when opaque. */
  id: string;
  /** What the client presents: the ID, or the signed JWT. */
  token: string;
  clientId: string;
  userId: string;
  aud: string[] | undefined;
  scopes: string[];
  /** Unix ms. */
  createdAt: number;
  expiresAt: number;
  revoked: boolean;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  userId: string;
  resource: string | undefined;
  scopes: string[];
  expiresAt: number;
}

export interface OAuthResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const ACCESS_TOKEN_LIFETIME_S = 3_600;
/**
 * @clerk/backend 3.25 sends the verify request without the `/v1` prefix (its
 * IdPOAuthAccessTokenApi skips the API version in the URL); both are served.
 */
export const VERIFY_PATHS = new Set([
  "/oauth_applications/access_tokens/verify",
  "/v1/oauth_applications/access_tokens/verify",
]);
const KID = "ins_emulator_key_1";

export class OAuthAuthority {
  readonly tokens = new Map<string, IssuedToken>();
  readonly clients = new Map<string, { redirectUris: string[] }>();
  private readonly codes = new Map<string, PendingCode>();
  private readonly refresh = new Map<string, Omit<PendingCode, "redirectUri" | "challenge">>();
  private keys: { privateKey: KeyObject; publicKey: KeyObject } | undefined;
  format: TokenFormat = "opaque";

  constructor(
    private readonly now: () => number,
    private readonly users: () => Map<string, StoredUser>,
  ) {}

  clear(): void {
    this.tokens.clear();
    this.clients.clear();
    this.codes.clear();
    this.refresh.clear();
    this.format = "opaque";
  }

  /** RSA 2048, made on first use (the size Clerk's keys have, and what `jwtKey` PEMs assume). */
  private keyPair() {
    this.keys ??= generateKeyPairSync("rsa", { modulusLength: 2048 });
    return this.keys;
  }

  jwks(): { keys: Array<Record<string, unknown>> } {
    const jwk = this.keyPair().publicKey.export({ format: "jwk" });
    return { keys: [{ ...jwk, kid: KID, alg: "RS256", use: "sig" }] };
  }

  /** Issues a token directly, as the token endpoint would (tests use it for odd tokens). */
  issue(p: {
    issuer: string;
    userId: string;
    aud?: string[] | undefined;
    clientId?: string;
    format?: TokenFormat;
    lifetimeS?: number;
    scopes?: string[];
  }): IssuedToken {
    const id = `oat_${randomBytes(16).toString("hex")}`;
    const createdAt = this.now();
    const expiresAt = createdAt + (p.lifetimeS ?? ACCESS_TOKEN_LIFETIME_S) * 1000;
    const issued: IssuedToken = {
      id,
      token: id,
      clientId: p.clientId ?? "client_emulator",
      userId: p.userId,
      aud: p.aud,
      scopes: p.scopes ?? [],
      createdAt,
      expiresAt,
      revoked: false,
    };
    if ((p.format ?? this.format) === "jwt") {
      const header = { alg: "RS256", typ: "at+jwt", kid: KID };
      const payload = {
        iss: p.issuer,
        sub: p.userId,
        ...(p.aud ? { aud: p.aud.length === 1 ? p.aud[0] : p.aud } : {}),
        client_id: issued.clientId,
        jti: id,
        scope: issued.scopes.join(" "),
        iat: Math.floor(createdAt / 1000),
        nbf: Math.floor(createdAt / 1000),
        exp: Math.floor(expiresAt / 1000),
      };
      const signingInput = `${b64(header)}.${b64(payload)}`;
      const signature = sign("RSA-SHA256", Buffer.from(signingInput), this.keyPair().privateKey);
      issued.token = `${signingInput}.${signature.toString("base64url")}`;
    }
    this.tokens.set(id, issued);
    return issued;
  }

  /** Answers the OAuth routes; undefined for any other path. */
  handle(
    method: string,
    path: string,
    query: Record<string, string | string[]>,
    body: unknown,
    issuer: string,
  ): OAuthResult | undefined {
    const q = (name: string) => {
      const v = query[name];
      return Array.isArray(v) ? v[v.length - 1] : v;
    };
    switch (`${method} ${path}`) {
      case "GET /.well-known/oauth-authorization-server":
      case "GET /.well-known/openid-configuration":
        return {
          status: 200,
          body: {
            issuer,
            authorization_endpoint: `${issuer}/oauth/authorize`,
            token_endpoint: `${issuer}/oauth/token`,
            registration_endpoint: `${issuer}/oauth/register`,
            jwks_uri: `${issuer}/.well-known/jwks.json`,
            response_types_supported: ["code"],
            grant_types_supported: ["authorization_code", "refresh_token"],
            code_challenge_methods_supported: ["S256"],
            token_endpoint_auth_methods_supported: [
              "none",
              "client_secret_basic",
              "client_secret_post",
            ],
            scopes_supported: ["openid", "profile", "email"],
          },
        };
      case "GET /.well-known/jwks.json":
        return { status: 200, body: this.jwks() };
      case "POST /oauth/register":
        return this.register(body);
      case "GET /oauth/authorize":
        return this.authorize(q);
      case "POST /oauth/token":
        return this.token(formOf(body), issuer);
      default:
        return undefined;
    }
  }

  /** The Backend API's side; the caller has checked the secret key. */
  handleBackend(method: string, path: string, body: unknown): OAuthResult | undefined {
    if (method === "GET" && path === "/v1/jwks") return { status: 200, body: this.jwks() };
    if (method !== "POST" || !VERIFY_PATHS.has(path)) return undefined;
    const given = (body as { access_token?: unknown } | undefined)?.access_token;
    if (typeof given !== "string" || given === "") {
      throw new ApiError(
        422,
        "form_param_missing",
        "missing parameter",
        "access_token must be included.",
      );
    }
    const found = [...this.tokens.values()].find((t) => t.token === given || t.id === given);
    if (!found) {
      throw new ApiError(404, "resource_not_found", "not found", "Resource not found");
    }
    const expired = found.expiresAt <= this.now();
    if (found.token !== found.id && expired) return { status: 200, body: { active: false } };
    return {
      status: 200,
      body: {
        object: "clerk_idp_oauth_access_token",
        id: found.id,
        client_id: found.clientId,
        subject: found.userId,
        scopes: found.scopes,
        revoked: found.revoked,
        revocation_reason: found.revoked ? "Revoked by user" : null,
        expired,
        expiration: found.expiresAt,
        created_at: found.createdAt,
        updated_at: found.createdAt,
        // Not in the OpenAPI spec's schema, but read by @clerk/backend 3.25 (IdPOAuthAccessToken.aud).
        ...(found.aud ? { aud: found.aud } : {}),
      },
    };
  }

  private register(body: unknown): OAuthResult {
    const redirectUris = (body as { redirect_uris?: unknown } | undefined)?.redirect_uris;
    if (
      !Array.isArray(redirectUris) ||
      redirectUris.length === 0 ||
      !redirectUris.every((u) => typeof u === "string")
    ) {
      return oauthError(400, "invalid_redirect_uri", "redirect_uris must be a non-empty array");
    }
    const clientId = clerkId("client");
    this.clients.set(clientId, { redirectUris: redirectUris as string[] });
    return {
      status: 201,
      body: {
        ...(body as Record<string, unknown>),
        client_id: clientId,
        client_id_issued_at: Math.floor(this.now() / 1000),
        token_endpoint_auth_method: "none",
      },
    };
  }

  private authorize(q: (name: string) => string | undefined): OAuthResult {
    const client = this.clients.get(q("client_id") ?? "");
    const redirectUri = q("redirect_uri") ?? "";
    if (!client?.redirectUris.includes(redirectUri)) {
      return oauthError(400, "invalid_request", "unknown client_id or redirect_uri");
    }
    const back = new URL(redirectUri);
    const state = q("state");
    if (state !== undefined) back.searchParams.set("state", state);
    const fail = (error: string) => {
      back.searchParams.set("error", error);
      return { status: 302, body: "", headers: { Location: back.href } };
    };
    if (q("response_type") !== "code") return fail("unsupported_response_type");
    const challenge = q("code_challenge");
    if (!challenge || q("code_challenge_method") !== "S256") return fail("invalid_request");
    const userId = q("emulator_user") ?? this.users().keys().next().value;
    if (!userId || !this.users().has(userId)) return fail("access_denied");
    const code = randomBytes(16).toString("hex");
    this.codes.set(code, {
      clientId: q("client_id") ?? "",
      redirectUri,
      challenge,
      userId,
      resource: q("resource"),
      scopes: (q("scope") ?? "").split(" ").filter(Boolean),
      expiresAt: this.now() + 60_000,
    });
    back.searchParams.set("code", code);
    return { status: 302, body: "", headers: { Location: back.href } };
  }

  private token(form: URLSearchParams, issuer: string): OAuthResult {
    const clientId = form.get("client_id") ?? "";
    if (!this.clients.has(clientId)) return oauthError(401, "invalid_client", "unknown client");
    let grant: Omit<PendingCode, "redirectUri" | "challenge">;
    if (form.get("grant_type") === "authorization_code") {
      const code = this.codes.get(form.get("code") ?? "");
      this.codes.delete(form.get("code") ?? "");
      const verifier = form.get("code_verifier") ?? "";
      if (
        !code ||
        code.clientId !== clientId ||
        code.expiresAt <= this.now() ||
        code.redirectUri !== form.get("redirect_uri") ||
        createHash("sha256").update(verifier).digest("base64url") !== code.challenge
      ) {
        return oauthError(400, "invalid_grant", "the code, its verifier or redirect_uri is wrong");
      }
      grant = code;
    } else if (form.get("grant_type") === "refresh_token") {
      const previous = this.refresh.get(form.get("refresh_token") ?? "");
      if (!previous || previous.clientId !== clientId) {
        return oauthError(400, "invalid_grant", "unknown refresh token");
      }
      this.refresh.delete(form.get("refresh_token") ?? "");
      grant = previous;
    } else {
      return oauthError(400, "unsupported_grant_type", "authorization_code or refresh_token");
    }
    const resource = form.get("resource") ?? grant.resource;
    const issued = this.issue({
      issuer,
      userId: grant.userId,
      aud: resource ? [resource] : undefined,
      clientId,
      scopes: grant.scopes,
    });
    const refreshToken = randomBytes(16).toString("hex");
    this.refresh.set(refreshToken, { ...grant, resource: resource ?? undefined });
    return {
      status: 200,
      body: {
        access_token: issued.token,
        token_type: "bearer",
        expires_in: ACCESS_TOKEN_LIFETIME_S,
        refresh_token: refreshToken,
        scope: grant.scopes.join(" "),
      },
      headers: { "Cache-Control": "no-store" },
    };
  }
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function formOf(body: unknown): URLSearchParams {
  if (typeof body === "string") return new URLSearchParams(body);
  if (typeof body === "object" && body !== null) {
    return new URLSearchParams(
      Object.entries(body).map(([k, v]) => [k, String(v)] as [string, string]),
    );
  }
  return new URLSearchParams();
}

function oauthError(status: number, error: string, description: string): OAuthResult {
  return { status, body: { error, error_description: description } };
}
