/**
 * `npm run emulator`: a seeded Clerk Backend API emulator on 127.0.0.1 (PORT env or any free port).
 * Stops on SIGINT/SIGTERM.
 */
import { startEmulator } from "./index.js";
import { DAY_MS } from "./state.js";

const port = Number.parseInt(process.env.PORT ?? "0", 10) || 0;
const now = Date.now();

const emu = await startEmulator({
  port,
  seed: {
    users: [
      {
        id: "user_emulatorAdmin00000000000000",
        email_address: "ada@example.com",
        first_name: "Ada",
        last_name: "Admin",
      },
      {
        id: "user_emulatorMember0000000000000",
        email_address: "mo@example.com",
        first_name: "Mo",
        last_name: "Member",
      },
    ],
    organizations: [
      {
        id: "org_emulatorAcme000000000000000",
        name: "Acme Inc",
        slug: "acme",
        members: [
          { user_id: "user_emulatorAdmin00000000000000", role: "org:admin" },
          { user_id: "user_emulatorMember0000000000000", role: "org:member" },
        ],
      },
    ],
    invitations: [
      { email_address: "pending1@example.com", created_at: now - 3 * DAY_MS },
      { email_address: "pending2@example.com", created_at: now - 2 * DAY_MS },
      {
        email_address: "pending3@example.com",
        created_at: now - DAY_MS,
        public_metadata: { plan: "pro" },
      },
      { email_address: "accepted@example.com", status: "accepted", created_at: now - 10 * DAY_MS },
      { email_address: "revoked@example.com", status: "revoked", created_at: now - 5 * DAY_MS },
      {
        email_address: "expired@example.com",
        created_at: now - 40 * DAY_MS,
        expires_at: now - 10 * DAY_MS,
      },
    ],
    organization_invitations: [
      {
        organization_id: "org_emulatorAcme000000000000000",
        email_address: "newhire@example.com",
        role: "org:member",
        inviter_id: "user_emulatorAdmin00000000000000",
      },
    ],
  },
});

console.log(`Clerk Backend API emulator listening on ${emu.url}`);
console.log(`Secret key: ${emu.secretKey}`);
console.log("Seeded: 6 invitations (3 pending, 1 accepted, 1 revoked, 1 expired), 2 users,");
console.log(
  "        organization org_emulatorAcme000000000000000 (slug acme) with an admin, a member",
);
console.log("        and 1 pending organization invitation.");
console.log("Use it with:");
console.log(`  CLERK_API_URL=${emu.url} CLERK_SECRET_KEY=${emu.secretKey}`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping emulator (${emu.requests.length} requests served)`);
  emu.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
