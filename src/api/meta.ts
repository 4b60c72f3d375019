import { z } from "zod";

// What every Hush resource shares: its API group and version, and the part of Kubernetes'
// ObjectMeta that Hush reads. Unknown metadata (managedFields, ownerReferences, ...) is kept as it is.

export const GROUP = "hush.dev";
export const VERSION = "v1alpha1";
export const API_VERSION = `${GROUP}/${VERSION}`;

/** A DNS-1123 subdomain, as Kubernetes requires for object names. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A DNS-1123 label, as Kubernetes requires for namespaces. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const objectMetaSchema = z
  .looseObject({
    name: z
      .string()
      .min(1)
      .max(253)
      .regex(
        DNS_SUBDOMAIN,
        "must be lower-case letters, digits, '-' and '.', starting and ending alphanumeric",
      )
      .describe("The resource's name, unique in its namespace."),
    namespace: z
      .string()
      .max(63)
      .regex(DNS_LABEL, "must be lower-case letters, digits and '-', starting and ending alphanumeric")
      .default("default")
      .describe("The namespace; an account and the policies that use it live in the same one."),
    uid: z.string().optional().describe("Set by Kubernetes; identifies this incarnation of the resource."),
    generation: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("Set by Kubernetes; increases with every change of spec."),
    resourceVersion: z.string().optional().describe("Set by Kubernetes; changes with every write."),
    labels: z.record(z.string(), z.string()).optional().describe("Labels, as in any Kubernetes object."),
    annotations: z
      .record(z.string(), z.string())
      .optional()
      .describe("Annotations; `hush.dev/approve` approves a previewed sweep (see RedactionPolicy)."),
  })
  .describe("Standard Kubernetes object metadata.");
export type ObjectMeta = z.infer<typeof objectMetaSchema>;

/** A reference to an object in the same namespace as the one that holds it. */
export const localObjectReferenceSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(253)
      .regex(DNS_SUBDOMAIN, "must be the name of an object in the same namespace")
      .describe("Name of the object, in the same namespace."),
  })
  .describe("A reference by name to an object in the same namespace.");
