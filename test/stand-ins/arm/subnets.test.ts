import type { Subnet } from "@azure/arm-network";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NET, regionalEstate, subnetId, WEB } from "./regional-estate.ts";
import { collect, startTestSimulator, SUB } from "./test-estate.ts";

let t: Awaited<ReturnType<typeof startTestSimulator>>;
beforeEach(async () => {
  t = await startTestSimulator(regionalEstate());
});
afterEach(async () => {
  await t.sim.close();
});

const get = (subnet: string) => t.network.subnets.get("rg-net", "vnet-apps", subnet);
const put = (subnet: string, body: Subnet) => t.network.subnets.createOrUpdate("rg-net", "vnet-apps", subnet, body, { updateIntervalInMs: 0 });

describe("subnets as ARM shows them, through the real NetworkManagementClient", () => {
  it("shows a delegated subnet with the actions ARM fills in, its endpoint locations and {id}-only references", async () => {
    const subnet = await get("snet-ready");

    expect(subnet.delegations).toEqual([
      expect.objectContaining({
        name: "Microsoft.Web.serverFarms",
        id: `${subnetId("vnet-apps", "snet-ready")}/delegations/Microsoft.Web.serverFarms`,
        type: "Microsoft.Network/virtualNetworks/subnets/delegations",
        serviceName: "Microsoft.Web/serverFarms",
        actions: ["Microsoft.Network/virtualNetworks/subnets/action"],
      }),
    ]);
    expect(subnet.serviceEndpoints).toEqual([{ service: "Microsoft.Storage", locations: ["westeurope"], provisioningState: "Succeeded" }]);
    expect(subnet.networkSecurityGroup).toEqual({ id: `${NET}/networkSecurityGroups/nsg-apps` });
    expect(subnet.routeTable).toEqual({ id: `${NET}/routeTables/rt-apps` });
    expect(subnet.serviceAssociationLinks).toBeUndefined();
  });

  it("shows App Service's link on a subnet a plan is integrated with, and no IP configurations", async () => {
    const subnet = await get("snet-taken");
    const links = await t.network.serviceAssociationLinks.list("rg-net", "vnet-apps", "snet-taken");

    expect(subnet.serviceAssociationLinks).toEqual([
      expect.objectContaining({
        name: "AppServiceLink",
        id: `${subnetId("vnet-apps", "snet-taken")}/serviceAssociationLinks/AppServiceLink`,
        type: "Microsoft.Network/virtualNetworks/subnets/serviceAssociationLinks",
        linkedResourceType: "Microsoft.Web/serverfarms",
        link: `${WEB}/serverfarms/plan-p1`,
        allowDelete: false,
        locations: [],
      }),
    ]);
    expect(links.value?.map((l) => l.link)).toEqual([`${WEB}/serverfarms/plan-p1`]);
    expect(subnet.delegations?.map((d) => d.serviceName)).toEqual(["Microsoft.Web/serverFarms"]);
    expect(subnet.ipConfigurations).toBeUndefined();
  });

  it("lists the IP configurations of the NICs in a used subnet and of the gateway in the GatewaySubnet", async () => {
    const used = await get("snet-used");
    const hub = await t.network.virtualNetworks.get("rg-net", "vnet-hub");

    expect(used.ipConfigurations?.map((c) => c.id)).toEqual([`${NET}/networkInterfaces/vnet-apps-snet-used-nic1/ipConfigurations/ipconfig1`]);
    expect(hub.subnets?.find((s) => s.name === "GatewaySubnet")?.ipConfigurations?.[0]?.id).toMatch(/virtualNetworkGateways\/gw-hub\/ipConfigurations\//);
    expect(hub.subnets?.find((s) => s.name === "workloads")?.ipConfigurations).toHaveLength(2);
  });

  it("lists subnets with everything a GET shows, and serves the route table they reference", async () => {
    const subnets = await collect(t.network.subnets.list("rg-net", "vnet-apps"));
    const table = await t.network.routeTables.get("rg-net", "rt-apps");

    expect(subnets.find((s) => s.name === "snet-policy")?.serviceEndpointPolicies).toEqual([{ id: `${NET}/serviceEndpointPolicies/sep-storage` }]);
    expect(table.subnets?.map((s) => s.id)).toEqual([subnetId("vnet-apps", "snet-ready"), subnetId("vnet-apps", "snet-plain")]);
  });
});

describe("subnet PUT, a long-running operation that stores exactly what it carries", () => {
  it("creates a subnet with 201, polls the subscription-scoped operation, then GETs the subnet", async () => {
    const created = await put("snet-new", { addressPrefix: "10.30.20.0/26", delegations: [{ name: "delegation", serviceName: "Microsoft.Web/serverFarms" }] });

    const calls = t.sim.requests.map((r) => `${r.method} ${r.path}`);
    expect(created).toMatchObject({ name: "snet-new", addressPrefix: "10.30.20.0/26", provisioningState: "Succeeded" });
    expect(created.delegations?.[0]?.actions).toEqual(["Microsoft.Network/virtualNetworks/subnets/action"]);
    expect(calls).toEqual([
      `PUT ${subnetId("vnet-apps", "snet-new")}`,
      expect.stringMatching(new RegExp(`^GET /subscriptions/${SUB}/providers/Microsoft.Network/locations/westeurope/operations/[0-9a-f-]+$`)),
      `GET ${subnetId("vnet-apps", "snet-new")}`,
    ]);
  });

  it("answers 201 for a new subnet and 200 for an update, Updating until the operation ends", async () => {
    t.sim.state.lroPolls = 2;
    const statuses: number[] = [];
    const poller = t.network.subnets.createOrUpdate("rg-net", "vnet-apps", "snet-third", { addressPrefix: "10.30.8.0/26" }, { updateIntervalInMs: 0, onResponse: (r) => statuses.push(r.status) });
    await poller.submitted();
    const during = await get("snet-third");
    await poller;
    await t.network.subnets.createOrUpdate("rg-net", "vnet-apps", "snet-fresh", { addressPrefix: "10.30.21.0/26" }, { updateIntervalInMs: 0, onResponse: (r) => statuses.push(r.status) });

    expect(statuses[0]).toBe(200);
    expect(during.provisioningState).toBe("Updating");
    expect((await get("snet-third")).provisioningState).toBe("Succeeded");
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
  });

  it("drops the NSG, route table and service endpoints that a naive PUT leaves out", async () => {
    const naive = await put("snet-plain", { addressPrefix: "10.30.2.0/26", delegations: [{ name: "d", serviceName: "Microsoft.Web/serverFarms" }] });

    expect(naive.delegations?.map((d) => d.serviceName)).toEqual(["Microsoft.Web/serverFarms"]);
    expect(naive.networkSecurityGroup).toBeUndefined();
    expect(naive.routeTable).toBeUndefined();
    expect(naive.serviceEndpoints).toBeUndefined();
  });

  it("keeps them when the PUT sends back what the GET returned (GET-modify-PUT)", async () => {
    const subnet = await get("snet-plain");
    subnet.delegations = [{ name: "d", serviceName: "Microsoft.Web/serverFarms" }];

    const updated = await put("snet-plain", subnet);

    expect(updated.networkSecurityGroup?.id).toBe(`${NET}/networkSecurityGroups/nsg-apps`);
    expect(updated.routeTable?.id).toBe(`${NET}/routeTables/rt-apps`);
    expect(updated.serviceEndpoints?.map((e) => [e.service, e.locations])).toEqual([
      ["Microsoft.Storage", ["westeurope"]],
      ["Microsoft.KeyVault", ["*"]],
    ]);
  });

  it("keeps App Service's link across a PUT that cannot carry it", async () => {
    const subnet = await get("snet-taken");
    subnet.serviceEndpoints = [{ service: "Microsoft.KeyVault" }];

    const updated = await put("snet-taken", subnet);

    expect(updated.serviceAssociationLinks?.map((l) => l.link)).toEqual([`${WEB}/serverfarms/plan-p1`]);
  });

  it("leaves the subnet as it was when the operation ends Failed", async () => {
    t.sim.faults.add({ method: "PUT", path: "/subnets/snet-plain", failOperation: true, code: "InternalServerError", message: "boom" });

    const attempt = put("snet-plain", { addressPrefix: "10.30.2.0/26" });

    await expect(attempt).rejects.toThrow(/boom|failed/i);
    expect((await get("snet-plain")).networkSecurityGroup?.id).toMatch(/nsg-apps$/);
  });

  it.each([
    {
      row: "a range overlapping another subnet",
      subnet: "snet-clash",
      body: { addressPrefix: "10.30.1.32/27" },
      code: "NetcfgSubnetRangesOverlap",
      message: "Subnet 'snet-clash' is not valid because its IP address range overlaps with that of an existing subnet in virtual network 'vnet-apps'.",
    },
    {
      row: "a range outside the VNet",
      subnet: "snet-out",
      body: { addressPrefix: "10.31.0.0/24" },
      code: "NetcfgSubnetRangeOutsideVnet",
      message: "Subnet 'snet-out' is not valid because its IP address range is outside the IP address range of virtual network 'vnet-apps'.",
    },
    {
      row: "a delegation change on a subnet NICs use",
      subnet: "snet-used",
      body: { addressPrefix: "10.30.5.0/26", delegations: [{ name: "d", serviceName: "Microsoft.Web/serverFarms" }] },
      code: "SubnetDelegationsCannotChangeWhenSubnetUsedByResource",
      message: `Delegations of subnet ${subnetId("vnet-apps", "snet-used")} cannot be changed from [] to [Microsoft.Web/serverFarms] because it is being used by the resource ${NET}/networkInterfaces/vnet-apps-snet-used-nic1/ipConfigurations/ipconfig1.`,
    },
    {
      row: "dropping the App Service delegation while App Service links the subnet",
      subnet: "snet-taken",
      body: { addressPrefix: "10.30.6.0/26" },
      code: "SubnetMissingRequiredDelegation",
      message: `Subnet ${subnetId("vnet-apps", "snet-taken")} requires any of the following delegation(s) [Microsoft.Web/serverFarms] to reference service association link ${subnetId("vnet-apps", "snet-taken")}/serviceAssociationLinks/AppServiceLink.`,
    },
  ])("refuses $row with 400 $code and changes nothing", async ({ subnet, body, code, message }) => {
    const before = t.sim.state.vnets.named("vnet-apps").subnets.map((s) => ({ ...s }));

    const attempt = put(subnet, body);

    await expect(attempt).rejects.toMatchObject({ statusCode: 400, code, message });
    expect(t.sim.state.vnets.named("vnet-apps").subnets).toEqual(before);
  });

  it("refuses to delete a subnet App Service links, and deletes an empty one as a Location operation", async () => {
    const linked = t.network.subnets.delete("rg-net", "vnet-apps", "snet-taken", { updateIntervalInMs: 0 });
    await expect(linked).rejects.toMatchObject({
      statusCode: 400,
      code: "InUseSubnetCannotBeDeleted",
      message: `Subnet snet-taken is in use by ${subnetId("vnet-apps", "snet-taken")}/serviceAssociationLinks/AppServiceLink and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`,
    });

    await t.network.subnets.delete("rg-net", "vnet-apps", "snet-third", { updateIntervalInMs: 0 });

    expect(t.sim.state.vnets.named("vnet-apps").subnets.map((s) => s.name)).not.toContain("snet-third");
    expect(t.sim.requests.some((r) => r.method === "GET" && /\/locations\/westeurope\/operations\//.test(r.path))).toBe(true);
  });
});
