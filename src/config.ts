/**
 * Configuration from the environment. Pure: takes `env`, returns a `Config` or throws
 * `ConfigError`, whose message is one line fit for stderr and never contains the key.
 */

export type InstanceKind = "development" | "production";

export interface Config {
  /** The Clerk secret key, trimmed. Never log it. */
  secretKey: string;
  /** `development` for `sk_test_` keys, `production` for `sk_live_`. */
  instance: InstanceKind;
  /** Backend API base URL without the `/v1` suffix. */
  apiUrl: string;
  /** Per-attempt timeout for a Clerk request, in milliseconds. */
  timeoutMs: number;
}

export const DEFAULT_API_URL = "https://api.clerk.com";
export const DEFAULT_TIMEOUT_MS = 10_000;

export class ConfigError extends Error {
  override name = "ConfigError";
}

// Clerk secret keys are `sk_test_` or `sk_live_` followed by URL-safe base64-ish characters.
const SECRET_KEY = /^sk_(test|live)_[A-Za-z0-9_-]{8,}$/;

/**
 * Parses `CLERK_SECRET_KEY`, `CLERK_API_URL` and `CLERK_MCP_TIMEOUT_MS`.
 * @throws ConfigError naming the variable and what is expected.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const secretKey = parseSecretKey(env.CLERK_SECRET_KEY);
  return {
    secretKey,
    instance: secretKey.startsWith("sk_live_") ? "production" : "development",
    apiUrl: parseApiUrl(env.CLERK_API_URL),
    timeoutMs: parseTimeout(env.CLERK_MCP_TIMEOUT_MS),
  };
}

function parseSecretKey(raw: string | undefined): string {
  const key = raw?.trim() ?? "";
  if (key === "") {
    throw new ConfigError(
      "CLERK_SECRET_KEY is not set: expected a Clerk secret key (sk_test_… or sk_live_…) from the API keys page of the Clerk Dashboard.",
    );
  }
  if (key.startsWith("pk_")) {
    throw new ConfigError(
      "CLERK_SECRET_KEY holds a publishable key (pk_…): expected the secret key (sk_test_… or sk_live_…) from the same API keys page.",
    );
  }
  if (!SECRET_KEY.test(key)) {
    throw new ConfigError(
      "CLERK_SECRET_KEY is not a Clerk secret key: expected sk_test_… or sk_live_… followed by the rest of the key.",
    );
  }
  return key;
}

function parseApiUrl(raw: string | undefined): string {
  const value = raw?.trim();
  if (!value) return DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      "CLERK_API_URL is not a URL: expected an http(s) base URL such as https://api.clerk.com.",
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(
      "CLERK_API_URL must use http or https: expected a base URL such as https://api.clerk.com.",
    );
  }
  return value.replace(/\/+$/, "").replace(/\/v1$/, "");
}

function parseTimeout(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return DEFAULT_TIMEOUT_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 100 || ms > 15_000) {
    throw new ConfigError(
      "CLERK_MCP_TIMEOUT_MS must be a whole number of milliseconds from 100 to 15000.",
    );
  }
  return ms;
}
