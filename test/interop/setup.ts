import { ensureNode22 } from "../helpers/node22.js";
import { assertBuilt } from "../helpers/spawn.js";

/** Once before the interop group: the built bin, and Node 22 for the third-party tools. */
export default function setup(): void {
  assertBuilt();
  ensureNode22();
}
