import { ApiError, paramFormatInvalid, paramInvalid, paramMissing } from "../errors.js";
import type { Store } from "../state.js";
import type { InvitationStatus } from "../types.js";

export type Query = Record<string, string | string[]>;

export interface RouteContext {
  store: Store;
  query: Query;
  /** Parsed JSON body, raw string when unparsable, undefined when empty. */
  body: unknown;
  params: Record<string, string>;
}

export interface RouteResult {
  status: number;
  body: unknown;
}

export interface Route {
  method: string;
  /** Path pattern with `:name` segments, e.g. "/v1/invitations/:invitation_id/revoke". */
  pattern: string;
  handler: (ctx: RouteContext) => RouteResult;
}

export const ok = (body: unknown): RouteResult => ({ status: 200, body });

/** Last value of a query parameter. */
export function one(query: Query, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** All values of a (repeatable) query parameter. */
export function many(query: Query, name: string): string[] {
  const v = query[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function isPaginated(query: Query): boolean {
  return one(query, "paginated") === "true";
}

function intParam(query: Query, name: string, def: number, min: number, max: number): number {
  const raw = one(query, name);
  if (raw === undefined || raw === "") return def;
  if (!/^-?\d+$/.test(raw)) throw paramInvalid(name, `${name} must be an integer`);
  const n = Number(raw);
  if (n < min || n > max) {
    throw paramInvalid(name, `${name} must be between ${min} and ${max}`);
  }
  return n;
}

/** `limit` (default 10, 1..500) and `offset` (default 0, >= 0), per the spec's shared parameters. */
export function pageParams(query: Query): { limit: number; offset: number } {
  return {
    limit: intParam(query, "limit", 10, 1, 500),
    offset: intParam(query, "offset", 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

/** Parses `[+-]field`; no sign means ascending. */
export function orderBy(
  query: Query,
  allowed: readonly string[],
  def = "-created_at",
): { field: string; desc: boolean } {
  const raw = one(query, "order_by") ?? def;
  const desc = raw.startsWith("-");
  const field = raw.replace(/^[+-]/, "");
  if (!allowed.includes(field)) {
    throw paramInvalid(
      "order_by",
      `${raw} is not a valid value for order_by. Allowed fields: ${allowed.join(", ")}`,
    );
  }
  return { field, desc };
}

/**
 * Sorts by `field`; ties keep creation order (reversed when descending, so the newest comes first).
 * `items` must be in insertion order.
 */
export function sortItems<T>(items: T[], field: string, desc: boolean): T[] {
  const base = desc ? [...items].reverse() : [...items];
  return base.sort((a, b) => {
    const av = (a as Record<string, unknown>)[field];
    const bv = (b as Record<string, unknown>)[field];
    const cmp = compare(av, bv);
    return desc ? -cmp : cmp;
  });
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  const as = String(a).toLowerCase();
  const bs = String(b).toLowerCase();
  return as < bs ? -1 : as > bs ? 1 : 0;
}

/** `{ data, total_count }` when paginated, else a bare array (Clerk's behaviour for paginated=true). */
export function listResponse<T>(
  items: T[],
  page: { limit: number; offset: number },
  envelope: boolean,
): RouteResult {
  const slice = items.slice(page.offset, page.offset + page.limit);
  return ok(envelope ? { data: slice, total_count: items.length } : slice);
}

// ---- body validation ----

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function requireObjectBody(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (!isObject(body)) {
    throw new ApiError(
      400,
      "request_body_invalid",
      "Request body invalid",
      "The request body is invalid. Please consult the API documentation for more information.",
    );
  }
  return body;
}

export function requireArrayBody(body: unknown, max: number): unknown[] {
  if (!Array.isArray(body)) {
    throw paramInvalid("body", "The request body must be a JSON array of invitations.");
  }
  if (body.length < 1 || body.length > max) {
    throw paramInvalid(
      "body",
      `The request body must contain between 1 and ${max} invitations, got ${body.length}.`,
    );
  }
  return body;
}

export function rejectUnknownParams(body: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!known.includes(key)) {
      throw new ApiError(
        422,
        "form_param_unknown",
        "is unknown",
        `${key} is not a valid parameter for this request.`,
        {
          param_name: key,
        },
      );
    }
  }
}

export function requireEmail(body: Record<string, unknown>, name = "email_address"): string {
  const v = body[name];
  if (v === undefined || v === null || v === "") throw paramMissing(name);
  if (typeof v !== "string" || !EMAIL_RE.test(v.trim())) throw paramFormatInvalid(name);
  return v.trim();
}

export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw paramInvalid(name, `${name} must be a string`);
  return v;
}

export function optionalBool(body: Record<string, unknown>, name: string): boolean | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw paramInvalid(name, `${name} must be a boolean`);
  return v;
}

/** Clerk's documented metadata limit ("limited to 8KB maximum"), applied to each kind. */
export const METADATA_MAX_BYTES = 8 * 1024;

/**
 * Refuses metadata whose JSON is over 8 KB. Clerk documents the limit, not its answer: the
 * status and code here (422 form_param_value_invalid) are the emulator's choice (README).
 */
export function checkMetadataSize(name: string, value: Record<string, unknown>): void {
  const bytes = Buffer.byteLength(JSON.stringify(value), "utf8");
  if (bytes > METADATA_MAX_BYTES) {
    throw paramInvalid(name, `${name} exceeds the maximum allowed size of 8KB (${bytes} bytes)`);
  }
}

export function optionalMetadata(
  body: Record<string, unknown>,
  name: string,
): Record<string, unknown> | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw paramInvalid(name, `${name} must be a JSON object`);
  checkMetadataSize(name, v);
  return v;
}

export function expiresInDays(body: Record<string, unknown>): number | undefined {
  const v = body.expires_in_days;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 365) {
    throw paramInvalid("expires_in_days", "expires_in_days must be an integer between 1 and 365");
  }
  return v;
}

/**
 * Clerk's metadata merge (PATCH /v1/users/{user_id}/metadata, /v1/organizations/{id}/metadata): objects merge key by key at any
 * depth, null removes a key, anything else (arrays included) replaces.
 */
export function deepMerge(
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...current };
  for (const [key, next] of Object.entries(patch)) {
    const prev = out[key];
    if (next === null) delete out[key];
    else if (isObject(next)) out[key] = deepMerge(isObject(prev) ? prev : {}, next);
    else out[key] = next;
  }
  return out;
}

/** The statuses both kinds of invitation take in Clerk's `status` filter. */
export const INVITATION_STATUSES: readonly InvitationStatus[] = [
  "pending",
  "accepted",
  "revoked",
  "expired",
];
