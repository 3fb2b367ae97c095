/**
 * `npm run demo`: the main job, on real input. Starts the emulator with a few invitations,
 * spawns the built server over stdio with the MCP SDK's Client, and shows a person each call
 * and its structured result: list, revoke, revoke again, list again; then a user's metadata
 * and an organization's members.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { startEmulator } from "../emulator/index.js";

const DAY = 86_400_000;
const now = Date.now();
const ADA = "user_demoAda000000000000000000";
const ORG = "org_demoAcme00000000000000000";
const emu = await startEmulator({
  seed: {
    users: [
      { id: ADA, email_address: "ada@acme.example", first_name: "Ada", last_name: "Lovelace" },
      { id: "user_demoAlan00000000000000000", email_address: "alan@acme.example" },
    ],
    organizations: [
      {
        id: ORG,
        name: "Acme",
        slug: "acme",
        members: [
          { user_id: ADA, role: "org:admin" },
          { user_id: "user_demoAlan00000000000000000", role: "org:member" },
        ],
      },
    ],
    invitations: [
      { email_address: "grace@example.com", created_at: now - 3 * DAY },
      {
        email_address: "alan@example.com",
        created_at: now - 2 * DAY,
        public_metadata: { plan: "pro" },
      },
      { email_address: "ada@example.com", created_at: now - DAY },
      { email_address: "joined@example.com", status: "accepted", created_at: now - 9 * DAY },
    ],
  },
});

const bin = new URL("../dist/index.js", import.meta.url).pathname;
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [bin],
  env: { PATH: process.env.PATH ?? "", CLERK_SECRET_KEY: emu.secretKey, CLERK_API_URL: emu.url },
  stderr: "ignore",
});
const client = new Client({ name: "clerk-admin-mcp-demo", version: "1.0.0" });

const rule = (title: string) =>
  console.log(`\n━━ ${title} ${"━".repeat(Math.max(0, 60 - title.length))}`);

async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  console.log(`→ tools/call ${name} ${JSON.stringify(args)}`);
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const texts = result.content.flatMap((c) => (c.type === "text" ? [c.text] : []));
  if (result.isError) {
    console.log(`✗ error: ${texts.join(" ")}`);
  } else {
    if (texts.length > 1) console.log(`✓ ${texts[0]}`);
    console.log(JSON.stringify(result.structuredContent, null, 2));
  }
  return result;
}

try {
  rule(`Emulator on ${emu.url}; server: node dist/index.js over stdio`);
  await client.connect(transport);
  const info = client.getServerVersion();
  console.log(`connected to ${info?.name} ${info?.version}`);

  rule("1. tools/list");
  const { tools } = await client.listTools();
  for (const t of tools) {
    const a = t.annotations ?? {};
    const flags = [a.readOnlyHint ? "read-only" : "writes", a.destructiveHint ? "destructive" : ""]
      .filter(Boolean)
      .join(", ");
    console.log(`• ${t.name} — ${t.title} (${flags})`);
  }

  rule("2. list_invitations, pending");
  const listed = await call("list_invitations", { status: "pending" });
  const page = listed.structuredContent as {
    invitations: Array<{ id: string; email_address: string }>;
  };
  const target = page.invitations.find((i) => i.email_address === "grace@example.com");
  if (!target) throw new Error("demo seed is missing grace@example.com");

  rule(`3. revoke_invitation for ${target.email_address}`);
  await call("revoke_invitation", { invitation_id: target.id });

  rule("4. revoke_invitation again (idempotent)");
  await call("revoke_invitation", { invitation_id: target.id });

  rule("5. revoke_invitation for an accepted invitation: refused, with what it means");
  const accepted = await call("list_invitations", { status: "accepted" });
  const joined = (accepted.structuredContent as { invitations: Array<{ id: string }> })
    .invitations[0];
  if (joined) await call("revoke_invitation", { invitation_id: joined.id });

  rule("6. revoke_invitations as a dry run: what would happen, nothing changed");
  const pendingNow = (
    await client.callTool({ name: "list_invitations", arguments: { status: "pending" } })
  ).structuredContent as { invitations: Array<{ id: string }> };
  await call("revoke_invitations", {
    invitation_ids: [...pendingNow.invitations.map((i) => i.id), target.id],
    dry_run: true,
  });

  rule("7. a crafted ID is refused before any request");
  await call("revoke_invitation", { invitation_id: `${target.id}/../../users/user_1/ban` });

  rule("8. list_invitations, pending, again");
  await call("list_invitations", { status: "pending" });

  rule("9. users: find one, then merge a key into their public_metadata");
  await call("list_users", { query: "ada" });
  await call("update_user_metadata", { user_id: ADA, public_metadata: { plan: "pro" } });

  rule("10. organizations: the members of Acme");
  await call("list_organization_memberships", { organization_id: ORG });

  rule("What Clerk's Backend API received (emulator request log)");
  for (const r of emu.requests) console.log(`${r.status} ${r.method} ${r.path}`);
} finally {
  await client.close();
  await emu.close();
}
