export type { IssuedToken, TokenFormat } from "./oauth.js";
export { demoSeed } from "./seed.js";
export { DEFAULT_SECRET_KEY, REQUEST_LOG_PATH, startEmulator } from "./server.js";
export type {
  Emulator,
  Fault,
  InvitationRecord,
  InvitationStatus,
  OrganizationInvitationRecord,
  PublicInviterData,
  RateLimit,
  RequestLogEntry,
  SeedData,
  SeedOrganization,
  SeedUser,
  StartEmulatorOptions,
} from "./types.js";
