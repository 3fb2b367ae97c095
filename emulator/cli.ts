/**
 * `npm run emulator [-- --port N]`: the Clerk Backend API emulator on 127.0.0.1 with demoSeed().
 * `--port` (or the PORT environment variable) fixes the port, so a client configuration keeps
 * working across runs; without either, any free port. Stops on SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { demoSeed, REQUEST_LOG_PATH, startEmulator } from "./index.js";

function portFrom(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Invalid port ${JSON.stringify(raw)}: give an integer from 0 to 65535.`);
    process.exit(2);
  }
  return port;
}

let values: { port?: string };
try {
  ({ values } = parseArgs({ options: { port: { type: "string", short: "p" } }, strict: true }));
} catch (err) {
  console.error(
    `${err instanceof Error ? err.message : String(err)}\nUsage: npm run emulator -- [--port N]`,
  );
  process.exit(2);
}
const port = portFrom(values.port ?? process.env.PORT);

const emu = await startEmulator({ port, seed: demoSeed() });

console.log(`Clerk Backend API emulator listening on ${emu.url}`);
console.log(`Secret key: ${emu.secretKey}`);
console.log("Seeded: 6 invitations (3 pending, accepted, revoked, expired); 4 users (one banned,");
console.log(
  "        one locked); organizations acme (admin, member, custom org:billing) and globex;",
);
console.log("        4 organization invitations; 5 sessions; allowlist and blocklist identifiers;");
console.log("        5 waitlist entries (pending, invited, rejected, completed).");
console.log(`Request log: ${emu.url}${REQUEST_LOG_PATH}`);
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
