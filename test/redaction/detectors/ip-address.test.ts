import { describe, expect, it } from "vitest";
import { findIpAddresses, isIpv6 } from "../../../src/redaction/detectors/ip-address.js";
import { ipv4, ipv6 } from "../../../src/simulator/seed/pii.js";
import { Rng } from "../../../src/simulator/seed/rng.js";
import { matched } from "./matched.js";

const ips = (text: string): string[] => matched(text, findIpAddresses(text));

describe("findIpAddresses", () => {
  it("finds IPv4 addresses, with a port or at a sentence end", () => {
    expect(ips("Login from 81.161.2.33, then 212.10.0.254:8443 and 10.0.0.1.")).toEqual([
      "81.161.2.33",
      "212.10.0.254",
      "10.0.0.1",
    ]);
  });

  it("finds IPv6 addresses in full, compressed and IPv4-embedded forms", () => {
    const text =
      "from 2a02:1406:1:2:3:4:5:6, 2001:db8::8a2e:370:7334, [2001:db8:0:1::1]:443 and ::ffff:192.0.2.128.";
    expect(ips(text)).toEqual([
      "2a02:1406:1:2:3:4:5:6",
      "2001:db8::8a2e:370:7334",
      "2001:db8:0:1::1",
      "::ffff:192.0.2.128",
    ]);
    expect(findIpAddresses(text).map((f) => f.kind)).toEqual(["IPv6", "IPv6", "IPv6", "IPv6"]);
  });

  it("finds every address the simulator seeds", () => {
    for (let i = 0; i < 300; i++) {
      const rng = new Rng(4, 9, i);
      const v4 = ipv4(rng);
      const v6 = ipv6(rng);
      expect(ips(`Konto spærret efter login fra ${v4} og ${v6}.`)).toEqual([v4, v6]);
    }
  });

  it("rejects octets over 255 and addresses inside longer dotted numbers", () => {
    expect(ips("10.0.0.256 1.2.3.4.5 999.1.1.1 01.02.03.04x")).toEqual([]);
  });

  it("does not take version numbers for addresses", () => {
    expect(
      ips("Version 1.2.3, v1.2.3.4, version 10.0.0.1, Chrome/124.0.6367.91, build 4.1.2.7, Safari/537.36"),
    ).toEqual([]);
  });

  it("does not take times, MAC addresses, C++ names or loopback for IPv6", () => {
    expect(ips("at 12:30:45, MAC 00:1a:2b:3c:4d:5e, std::vector, abc::def, ::1, fe80::1")).toEqual([]);
  });

  it("validates the IPv6 text forms of RFC 4291", () => {
    expect(isIpv6("1:2:3:4:5:6:7:8")).toBe(true);
    expect(isIpv6("1:2:3:4:5:6:7")).toBe(false);
    expect(isIpv6("1::2::3")).toBe(false);
    expect(isIpv6("1:2:3:4:5:6:7::8")).toBe(false);
    expect(isIpv6("12345::1:2")).toBe(false);
    expect(isIpv6("1:2:3:4:5:6:1.2.3.4")).toBe(true);
    expect(isIpv6("1:2:3:4:5:6:7:1.2.3.4")).toBe(false);
  });
});
