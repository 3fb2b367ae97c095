import { demoSeed, REQUEST_LOG_PATH, startEmulator } from "../emulator/index.js";
import { EMULATOR_SECRET_KEY } from "./config.js";

/**
 * `--emulator`: the repository's Clerk Backend API emulator (the one the tests use), seeded with
 * `demoSeed()`, in this process. It listens on 127.0.0.1 on a free port, so `@clerk/backend`
 * reaches it over real HTTP exactly as it reaches Clerk; nothing leaves the machine, and its
 * state lives and dies with the process. The bin imports this module dynamically, and the build
 * puts it in its own file (dist/emulator.cjs), so a normal start never loads it.
 * @returns the base URL to use as `apiUrl`, the request log's URL, and `close()`.
 * @throws the listen error, if 127.0.0.1 has no free port.
 */
export async function startBuiltInEmulator(): Promise<{
  apiUrl: string;
  requestLogUrl: string;
  close: () => Promise<void>;
}> {
  const emu = await startEmulator({ seed: demoSeed(), secretKey: EMULATOR_SECRET_KEY });
  return { apiUrl: emu.url, requestLogUrl: `${emu.url}${REQUEST_LOG_PATH}`, close: emu.close };
}
