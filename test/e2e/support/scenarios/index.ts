import { apiServerRestartMidSweep } from "./apiserver-restart.js";
import { approvalFlow } from "./approval.js";
import { deletionMidSweep } from "./deletion.js";
import { leaderKilledMidSweep } from "./failover.js";
import { badSpecRefused, missingAccount, secretRotation } from "./problems.js";
import { becomesReady, scheduledSweepProgress } from "./ready.js";
import type { ScenarioDef } from "./types.js";

export type { ScenarioDef } from "./types.js";

/** Every scenario, in the order a reader meets them; the K3s suite runs them all. */
export const ALL_SCENARIOS: readonly ScenarioDef[] = [
  becomesReady,
  scheduledSweepProgress,
  badSpecRefused,
  missingAccount,
  secretRotation,
  approvalFlow,
  deletionMidSweep,
  leaderKilledMidSweep,
  apiServerRestartMidSweep,
];
