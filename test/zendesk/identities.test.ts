import { beforeEach, describe, expect, it } from "vitest";
import { addUser } from "../../src/simulator/factory.js";
import { ValidationError } from "../../src/zendesk/errors.js";
import {
  createIdentity,
  deleteIdentity,
  listIdentities,
  makePrimaryIdentity,
  updateIdentity,
} from "../../src/zendesk/identities.js";
import { useSimulator } from "../support/sim.js";
import { collect, simClient } from "./endpoint-support.js";

describe("user identities", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const account = () => s.current.sim.account("acme")!;
  const person = () => addUser(account(), { name: "Jane", email: "jane@example.org", phone: "+4520123456" });

  beforeEach(async () => {
    await s.current.inspect("POST", "/__sim/reset");
  });

  it("lists a user's identities", async () => {
    const client = simClient(s.current);
    const user = person();
    const identities = await collect(listIdentities(client, user.id));
    expect(identities.map((i) => [i.type, i.primary])).toEqual([
      ["email", true],
      ["phone_number", false],
    ]);
  });

  it("replaces a user's email: adds the new address, makes it primary, deletes the old one", async () => {
    const client = simClient(s.current);
    const user = person();
    const [old] = await collect(listIdentities(client, user.id));
    const added = await createIdentity(
      client,
      user.id,
      { type: "email", value: "u1@anonymized.invalid" },
      { skipVerifyEmail: true },
    );
    // The primary identity cannot go while another email could take its place.
    await expect(deleteIdentity(client, user.id, old!.id)).rejects.toBeInstanceOf(ValidationError);
    const afterPrimary = await makePrimaryIdentity(client, user.id, added.id);
    expect(afterPrimary.find((i) => i.id === added.id)?.primary).toBe(true);
    expect(await deleteIdentity(client, user.id, old!.id)).toBe("deleted");
    expect(await deleteIdentity(client, user.id, old!.id)).toBe("notFound");
    expect(account().users.get(user.id)!.email).toBe("u1@anonymized.invalid");
  });

  it("changes an identity's value", async () => {
    const client = simClient(s.current);
    const user = person();
    const phone = (await collect(listIdentities(client, user.id))).find((i) => i.type === "phone_number")!;
    const updated = await updateIdentity(client, user.id, phone.id, { value: "+4520999999" });
    expect(updated.value).toBe("+4520999999");
  });
});
