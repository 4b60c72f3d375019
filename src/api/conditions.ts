import { z } from "zod";

// Status conditions in Kubernetes' standard form (metav1.Condition), so that kubectl wait, kstatus,
// Argo CD and Flux read Hush's resources without custom health scripts.

export const CONDITION_REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

export const conditionSchema = z
  .strictObject({
    type: z
      .string()
      .min(1)
      .max(316)
      .describe("Kind of condition, CamelCase: Ready, Reconciling, Stalled, AwaitingApproval."),
    status: z.enum(["True", "False", "Unknown"]).describe("Whether the condition holds."),
    reason: z
      .string()
      .min(1)
      .max(1024)
      .regex(CONDITION_REASON, "must be CamelCase letters and digits")
      .describe("Why, as a CamelCase constant a program can match on."),
    message: z
      .string()
      .max(32768)
      .default("")
      .describe("Why, as a sentence for people; never personal data."),
    lastTransitionTime: z.iso.datetime().describe("When status last changed."),
    observedGeneration: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("The metadata.generation the condition was computed from."),
  })
  .describe("One observation of the resource's state.");
export type Condition = z.infer<typeof conditionSchema>;

export const conditionsSchema = z
  .array(conditionSchema)
  .max(16)
  .default([])
  .describe("Observations of the resource's state; Ready summarises them.")
  .meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"] });
