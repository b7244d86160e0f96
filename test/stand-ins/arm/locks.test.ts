// Management locks as ARM enforces them (src/stand-ins/arm/locks.ts), seen through the SDK the bot uses.
import { afterEach, describe, expect, it } from "vitest";
import { parseEstate, startSimulator, type EstateSeedInput } from "../../../src/stand-ins/arm/index.ts";
import { testSimulatorTls } from "../../support/simulator-tls.ts";
import { SUB, smallEstate, startTestSimulator } from "./test-estate.ts";

type Locks = NonNullable<NonNullable<NonNullable<EstateSeedInput["subscriptions"]>[number]["resourceGroups"]>[number]["locks"]>;

/** The small estate with locks on its groups: rg-web's and rg-net's. */
function lockedEstate(locks: { web?: Locks; net?: Locks }): EstateSeedInput {
  const seed = smallEstate();
  for (const group of seed.subscriptions![0]!.resourceGroups!) group.locks = group.name === "rg-web" ? (locks.web ?? []) : (locks.net ?? []);
  return seed;
}

let t: Awaited<ReturnType<typeof startTestSimulator>> | undefined;
afterEach(async () => {
  await t?.sim.close();
  t = undefined;
});

const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe("management locks", () => {
  it("a ReadOnly lock on a group refuses writes and POSTs below it with 409 ScopeLocked, and lets reads through", async () => {
    t = await startTestSimulator(lockedEstate({ net: [{ name: "freeze", level: "ReadOnly" }] }));
    const gateway = await t.network.virtualNetworkGateways.get("rg-net", "gw-hub");

    const put = await failureOf(t.network.virtualNetworkGateways.beginCreateOrUpdateAndWait("rg-net", "gw-hub", gateway));
    const post = await failureOf(t.network.virtualNetworkGateways.beginGeneratevpnclientpackageAndWait("rg-net", "gw-hub", {}));

    const scope = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworkGateways/gw-hub`;
    expect(put).toMatchObject({ statusCode: 409, code: "ScopeLocked", message: `The scope '${scope}' cannot perform write operation because following scope(s) are locked: '/subscriptions/${SUB}/resourceGroups/rg-net'. Please remove the lock and try again.` });
    expect(post).toMatchObject({ statusCode: 409, code: "ScopeLocked" });
    expect(gateway.name).toBe("gw-hub");
    expect((await t.web.webApps.get("rg-web", "app-a")).name).toBe("app-a");
  });

  it("a CanNotDelete lock on an app refuses deleting its VNet connection, not writing it, and leaves other apps alone", async () => {
    t = await startTestSimulator(lockedEstate({ web: [{ name: "keep", level: "CanNotDelete", on: "Microsoft.Web/sites/app-a" }] }));

    const deleted = await failureOf(t.web.webApps.deleteVnetConnection("rg-web", "app-a", "vnet-hub"));
    const written = await t.web.webApps.createOrUpdateVnetConnection("rg-web", "app-b", "vnet-hub", { vnetResourceId: `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub` });

    expect(deleted).toMatchObject({ statusCode: 409, code: "ScopeLocked", message: expect.stringContaining("cannot perform delete operation") });
    expect((await t.web.webApps.listVnetConnections("rg-web", "app-a")).map((c) => c.name)).toEqual(["vnet-hub"]);
    expect(written.name).toBe("vnet-hub");
  });

  it("refuses an estate whose lock names a resource its group does not hold", async () => {
    const seed = lockedEstate({ web: [{ name: "keep", level: "CanNotDelete", on: "Microsoft.Web/sites/app-z" }] });

    const error = await failureOf(startSimulator({ estate: parseEstate({ throttling: false, ...seed }), tls: testSimulatorTls() }));

    expect(String(error)).toContain("lock keep: no resource Microsoft.Web/sites/app-z in resource group rg-web");
  });
});
