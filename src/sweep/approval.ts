import { createHash } from "node:crypto";

// Approving a large sweep. A preview names itself with an id that says what was previewed:
// `g<generation>-n<count>-<hash8>`, the hash over the policy's identity, its generation, what
// the sweep does (plan key: effective query, action and redaction settings) and the count. An
// approval releases a sweep only while all of that still holds and no more items match than were
// approved: a stale approval can never release a different or a larger sweep. It is not used up:
// while it stays (the hush.dev/approve annotation, --approve), it releases every later sweep of
// the same generation and plan that matches no more items than it approved.

export interface ApprovalSubject {
  namespace: string;
  name: string;
  uid?: string;
  generation: number;
  /** What the sweep does (sweep-plan.ts). */
  planKey: string;
}

export type ApprovalCheck = { valid: true; approvedCount: number } | { valid: false; reason: string };

const PREVIEW_ID = /^g(\d+)-n(\d+)-([0-9a-f]{8})$/;

export function previewId(subject: ApprovalSubject, count: number): string {
  return `g${subject.generation}-n${count}-${digest(subject, count)}`;
}

/** Whether `approval` releases a sweep of `count` matching items of `subject`. */
export function checkApproval(
  approval: string | undefined,
  subject: ApprovalSubject,
  count: number,
): ApprovalCheck {
  const fresh = previewId(subject, count);
  if (!approval) return { valid: false, reason: `no approval was given; approve preview ${fresh}` };
  const m = PREVIEW_ID.exec(approval.trim());
  if (!m) {
    return {
      valid: false,
      reason: `"${approval.slice(0, 40)}" is not a preview id (g<generation>-n<count>-<hash>); approve preview ${fresh}`,
    };
  }
  const generation = Number(m[1]);
  const approved = Number(m[2]);
  if (generation !== subject.generation) {
    return {
      valid: false,
      reason: `the approval is for generation ${generation} but the policy is at generation ${subject.generation}; approve preview ${fresh}`,
    };
  }
  if (digest(subject, approved) !== m[3]) {
    return {
      valid: false,
      reason: `the approval was made for another policy, query or action; approve preview ${fresh}`,
    };
  }
  if (count > approved) {
    return {
      valid: false,
      reason: `${count} items match now, more than the ${approved} approved; approve preview ${fresh}`,
    };
  }
  return { valid: true, approvedCount: approved };
}

function digest(subject: ApprovalSubject, count: number): string {
  const text = [
    `${subject.namespace}/${subject.name}`,
    subject.uid ?? "",
    String(subject.generation),
    subject.planKey,
    String(count),
  ].join("\n");
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}
