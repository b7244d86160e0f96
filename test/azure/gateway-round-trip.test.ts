import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { NOW, demo } from "../support/demo-estate.ts";

// A gateway PUT replaces the whole gateway: whatever the bot's GET-modify-PUT drops (revoked client certificates,
// BGP, custom routes, IP configurations, authentication types) Azure would remove. So the PUT must send back every
// field the GET returned, except those ARM computes itself.
let h: AzureHarness;
beforeAll(async () => {
  h = await startAzureHarness({ estate: "demo", now: () => NOW });
});
afterAll(() => h.close());

/** Every leaf of a JSON value as "path=value". */
function leaves(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, `${path}[${i}]`));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => leaves(item, path ? `${path}.${key}` : key));
  return [`${path}=${JSON.stringify(value)}`];
}

// Read-only in ARM's schema: the SDK never serializes them, and ARM ignores them on a PUT.
const READ_ONLY = /^(name|type|etag)=|(^|\.)(etag|provisioningState|resourceGuid)=|^properties\.sku\.capacity=/;

describe("adding a root certificate to a gateway", () => {
  it("sends back every writable field the gateway had, plus the new certificate", async () => {
    const url = `${h.sim.url}${demo.gateway("gw-hub")}?api-version=2026-01-01`;
    const before = await (await fetch(url, { headers: { authorization: "Bearer test" } })).json();
    const newCert = h.sim.state.gateways.named("gw-ops").rootCertificates[0]!.publicCertData;
    const start = h.sim.requests.length;

    await h.writer.addGatewayRootCertificate(demo.gateway("gw-hub"), "AppServiceCertificate_new.cer", newCert);

    const put = h.sim.requests.slice(start).find((r) => r.method === "PUT");
    const sent = new Set(leaves(put?.body));
    const had = leaves(before).filter((leaf) => !READ_ONLY.test(leaf));
    expect(had.filter((leaf) => !sent.has(leaf))).toEqual([]);
    expect(leaves(put?.body).filter((leaf) => !had.includes(leaf)).sort()).toEqual([
      `properties.vpnClientConfiguration.vpnClientRootCertificates[2].name="AppServiceCertificate_new.cer"`,
      `properties.vpnClientConfiguration.vpnClientRootCertificates[2].properties.publicCertData=${JSON.stringify(newCert)}`,
    ]);
  });
});
