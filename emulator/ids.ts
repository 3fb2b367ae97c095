import { randomBytes } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Random alphanumeric string (rejection sampling, no modulo bias). */
export function randomAlphanumeric(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += ALPHANUMERIC[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A Clerk-style ID: prefix + "_" + 27 alphanumeric characters, e.g. `inv_2b6b8BKxYmCdSNYtEBdk2aQSlyY`. */
export function clerkId(prefix: string): string {
  return `${prefix}_${randomAlphanumeric(27)}`;
}

export function traceId(): string {
  return randomBytes(16).toString("hex");
}
