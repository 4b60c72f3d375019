import type { Account } from "../account.js";
import { forbidden, recordInvalid } from "../errors.js";
import type { Role, User } from "../model.js";
import { addIdentity, checkIdentityValue, identitiesOf, identityInvalid, makePrimary } from "./identities.js";

/** One validated change; applied only after every attribute of the request validated (all or nothing). */
type Change = (user: User) => void;

const ROLES: readonly Role[] = ["end-user", "agent", "admin"];

/** Keys Zendesk ignores on user create/update, with an X-Zendesk-API-Warn (ZENDESK_API.md 1.1). */
export const READ_ONLY_USER_KEYS = [
  "id",
  "url",
  "created_at",
  "updated_at",
  "active",
  "shared",
  "shared_agent",
  "shared_phone_number",
  "last_login_at",
  "two_factor_auth_enabled",
  "moderator",
  "iana_time_zone",
  "role_type",
  "permanently_deleted",
] as const;

/** Agents may change end users only; admins anyone (ZENDESK_API.md 8.2). */
export function requireCanManage(actor: User, target: User): void {
  if (actor.role === "admin") return;
  if (actor.role === "agent" && target.role === "end-user") return;
  throw forbidden();
}

/**
 * Validates the attributes of a user create/update and returns the changes to apply. `self` is the
 * user being updated (null on create), so that its own email, phone and external id do not clash.
 */
export function planUserChanges(
  account: Account,
  actor: User,
  attrs: Record<string, unknown>,
  self: User | null,
): Change[] {
  const changes: Change[] = [];
  const text = (key: "alias" | "details" | "notes" | "signature") => {
    if (!(key in attrs)) return;
    const value = attrs[key];
    changes.push((u) => {
      u[key] = value === null || value === undefined ? null : String(value);
    });
  };

  if ("name" in attrs) {
    const name = typeof attrs.name === "string" ? attrs.name.trim() : "";
    if (name === "") throw recordInvalid({ name: ["Name:  is too short (minimum is 1 character)"] });
    changes.push((u) => {
      u.name = name;
    });
  }
  text("alias");
  text("details");
  text("notes");
  text("signature");
  for (const key of ["locale", "time_zone"] as const) {
    if (typeof attrs[key] === "string" && attrs[key] !== "") {
      const value = attrs[key];
      changes.push((u) => {
        u[key] = value;
      });
    }
  }
  for (const key of ["suspended", "verified"] as const) {
    if (!(key in attrs)) continue;
    const value = attrs[key] === true || attrs[key] === "true";
    changes.push((u) => {
      u[key] = value;
    });
  }
  if ("role" in attrs) changes.push(planRole(actor, attrs.role));
  if ("external_id" in attrs) changes.push(planExternalId(account, attrs.external_id, self));
  if ("tags" in attrs) changes.push(planTags(attrs.tags));
  if ("user_fields" in attrs) changes.push(planUserFields(attrs.user_fields));
  if ("organization_id" in attrs) changes.push(planOrganization(account, attrs.organization_id));
  if ("photo" in attrs && attrs.photo === null) {
    // ZENDESK_API.md 8.3: removing a photo with `photo: null` is unconfirmed; it is the most
    // plausible call, so the simulator honours it.
    changes.push((u) => {
      u.photo = null;
    });
  }
  if (typeof attrs.remote_photo_url === "string" && attrs.remote_photo_url !== "") {
    changes.push(planRemotePhoto(account, attrs.remote_photo_url));
  }
  if ("phone" in attrs) changes.push(planPhone(account, attrs.phone, self));
  if (self && "email" in attrs && attrs.email !== null) {
    changes.push(planSecondaryEmail(account, attrs.email, attrs.verified === true, self));
  } else if (self && "verified" in attrs) {
    // Only `verified`: it applies to the primary identity too (ZENDESK_API.md 8.2).
    const verified = attrs.verified === true || attrs.verified === "true";
    changes.push((u) => {
      for (const i of identitiesOf(account, u.id)) if (i.primary && i.type === "email") i.verified = verified;
    });
  }
  return changes;
}

function planRole(actor: User, value: unknown): Change {
  const role = value as Role;
  if (!ROLES.includes(role)) throw recordInvalid({ role: [`Role: ${String(value)} is not valid`] });
  // Only admins grant or change roles; saying "end-user" is harmless for agents.
  if (actor.role !== "admin" && role !== "end-user") throw forbidden();
  return (u) => {
    u.role = role;
  };
}

function planExternalId(account: Account, value: unknown, self: User | null): Change {
  const externalId = value === null || value === "" ? null : String(value);
  if (externalId !== null) {
    // External ids are unique per account, compared case-insensitively (ZENDESK_API.md 8.1).
    const wanted = externalId.toLowerCase();
    for (const other of account.users.values()) {
      if (other === self || other.permanently_deleted_at !== null) continue;
      if (other.external_id?.toLowerCase() === wanted)
        throw identityInvalid("external_id", `External has already been taken`, "DuplicateValue");
    }
  }
  return (u) => {
    u.external_id = externalId;
  };
}

function planTags(value: unknown): Change {
  if (!Array.isArray(value) && value !== null)
    throw recordInvalid({ tags: ["Tags must be an array of strings"] });
  const tags = [...new Set((value ?? []).flatMap((t: unknown) => String(t).trim().split(/\s+/)))].filter(
    (t) => t !== "",
  );
  return (u) => {
    u.tags = tags;
  };
}

function planUserFields(value: unknown): Change {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw recordInvalid({ user_fields: ["User fields must be an object"] });
  const fields = value as Record<string, string | number | boolean | null>;
  // Zendesk merges: keys not sent keep their values.
  return (u) => {
    u.user_fields = { ...u.user_fields, ...fields };
  };
}

function planOrganization(account: Account, value: unknown): Change {
  const id = value === null ? null : Number(value);
  if (id !== null && !account.organizations.has(id))
    throw recordInvalid({ organization_id: [`Organization: ${String(value)} does not exist`] });
  return (u) => {
    u.organization_id = id;
  };
}

function planRemotePhoto(account: Account, url: string): Change {
  const fileName = url.split(/[?#]/)[0]!.split("/").pop() || "photo.png";
  return (u) => {
    u.photo = {
      id: account.nextId("attachment"),
      file_name: fileName,
      content_type: /\.jpe?g$/i.test(fileName) ? "image/jpeg" : "image/png",
      content: null,
      size: 0,
      inline: false,
      deleted: false,
    };
  };
}

/**
 * A unique number becomes the user's direct line and a phone identity; a number another user already
 * has becomes a shared number without an identity; `""` or null clears the profile phone and keeps
 * any identity (ZENDESK_API.md 8.2, 8.3).
 */
function planPhone(account: Account, value: unknown, self: User | null): Change {
  if (value === null || value === "") {
    return (u) => {
      u.phone = null;
    };
  }
  const phone = String(value).trim();
  let shared = false;
  for (const other of account.users.values()) {
    if (other === self || other.deleted_at !== null) continue;
    if (
      other.phone === phone ||
      identitiesOf(account, other.id).some((i) => i.type === "phone_number" && i.value === phone)
    ) {
      shared = true;
      break;
    }
  }
  return (u) => {
    if (!shared) {
      const existing = identitiesOf(account, u.id).find(
        (i) => i.type === "phone_number" && i.value === phone,
      );
      makePrimary(account, u, existing ?? addIdentity(account, u, "phone_number", phone, false));
    }
    u.phone = phone;
  };
}

/** `email` on update never replaces the primary email: it adds a secondary identity (8.1, 8.2). */
function planSecondaryEmail(account: Account, value: unknown, verified: boolean, self: User): Change {
  const mine = identitiesOf(account, self.id).find(
    (i) =>
      i.type === "email" && typeof value === "string" && i.value.toLowerCase() === value.trim().toLowerCase(),
  );
  if (mine) {
    return () => {
      if (verified) mine.verified = true;
    };
  }
  const email = checkIdentityValue(account, "email", value);
  return (u) => {
    addIdentity(account, u, "email", email, verified);
  };
}
