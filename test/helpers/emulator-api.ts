import type { Emulator } from "../../emulator/index.js";

/**
 * Reads of the emulator's state over its HTTP API, as Clerk answers them, for tests that check
 * what Clerk holds after a call (rather than what the tool said).
 */

/** A GET against the emulator, with its secret key. */
export async function api(emu: Emulator, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${emu.url}${path}`, {
    headers: { Authorization: `Bearer ${emu.secretKey}` },
  });
  return { status: res.status, body: await res.json() };
}

/** The items of a list answer: Clerk sends a bare array unless `paginated=true` is asked for. */
export function dataOf(r: { body: unknown }): Array<Record<string, unknown>> {
  return Array.isArray(r.body) ? r.body : (r.body as { data: Array<Record<string, unknown>> }).data;
}

/** The role `user_id` holds in `organization_id`, or undefined when not a member. */
export async function roleOf(
  emu: Emulator,
  organization_id: string,
  user_id: string,
): Promise<string | undefined> {
  const page = dataOf(await api(emu, `/v1/organizations/${organization_id}/memberships?limit=100`));
  const m = page.find((x) => (x.public_user_data as { user_id: string }).user_id === user_id);
  return m?.role as string | undefined;
}

/** A session's status as Clerk holds it, or undefined when Clerk has no such session. */
export async function sessionStatus(
  emu: Emulator,
  session_id: string,
): Promise<string | undefined> {
  const r = await api(emu, `/v1/sessions/${session_id}`);
  return r.status === 200 ? (r.body as { status: string }).status : undefined;
}
