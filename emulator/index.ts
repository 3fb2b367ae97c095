export { DEFAULT_SECRET_KEY, startEmulator } from "./server.js";
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
