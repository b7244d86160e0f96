/**
 * /vnet diagnose of an app on regional VNet integration (one migrated, say): the subnet it uses, the worker's address
 * in it, then for a target the DNS lookup, whether the traffic enters the VNet at all, the NSG rules on both sides,
 * and a TCP test. Facts from azure-docs articles/app-service/overview-vnet-integration.md: without route-all only RFC
 * 1918 traffic enters the VNet ("Routes"); the integration subnet's NSG applies to the app's outbound traffic, and the
 * traffic comes from the subnet's range ("Network security groups").
 */
import { isPrivateAddress, prefixHolds } from "../address-range.ts";
import type { KnownTarget } from "../migration/migration-records.ts";
import { blockedTargets, usable } from "../migration/network-changes.ts";
import { APP_SERVICE_DELEGATION } from "../migration/regional-rules.ts";
import type { AppInfo, NsgInfo, SubnetInfo, VnetInfo } from "../model.ts";
import type { AzureReader, KuduRunner } from "../ports.ts";
import { nameOf, sameId, subnetLabel } from "../resource-id.ts";
import { check, type Diagnosis, type DiagnoseTarget, type DiagnosisCheck } from "./diagnosis.ts";
import { resolvedBy, testDns, testPrivateIp, testTcp, type LiveOptions } from "./live-tests.ts";
import { evaluateInbound } from "./nsg-evaluation.ts";

/** Diagnoses the app through its regional integration with the subnet `subnetId`. */
export async function diagnoseRegional(deps: { reader: AzureReader; kudu: KuduRunner }, app: AppInfo, subnetId: string, target: DiagnoseTarget | undefined, options: LiveOptions): Promise<Diagnosis> {
  const { reader, kudu } = deps;
  const vnetId = subnetId.slice(0, subnetId.toLowerCase().lastIndexOf("/subnets/"));
  const [vnet, routeAllSet] = await Promise.all([reader.getVnet(vnetId), reader.getRouteAll(app.id)]);
  const routeAll = routeAllSet || app.outboundRouteAll === true;
  const subnet = vnet.subnets.find((s) => sameId(s.id, subnetId));
  const prefixes = subnet?.addressPrefixes.filter((p) => !p.includes(":")) ?? [];
  const label = subnetLabel(subnetId);
  const checks: DiagnosisCheck[] = [integrationCheck(subnet, label, routeAll)];
  const privateIp = testPrivateIp(kudu, app, prefixes, { ...options, subnet: label });
  privateIp.catch(() => undefined);
  const notes = ["Regional integration: the gateway, certificate and point-to-site checks do not apply."];
  const targetChecks: DiagnosisCheck[] = [];
  let resolved: string[] | undefined;
  if (target) {
    let ip = target.ip;
    if (!ip) {
      // The worker asks the VNet's own DNS settings (or WEBSITE_DNS_SERVER): nameresolver is not told which.
      const dns = await testDns(kudu, app, target.host, [], options);
      resolved = resolvedBy(dns);
      targetChecks.push(dns.check);
      ip = dns.addresses[0];
      if (!ip) notes.push(`${target.host} could not be resolved from the worker, so the route and NSG checks were skipped.`);
    }
    if (ip) targetChecks.push(routeCheck(ip, routeAll, vnet), ...(await nsgChecks(reader, vnet, subnet, prefixes[0], ip, target.port)));
    if (target.port === undefined) notes.push(`Give ${target.host}:PORT to check NSG rules for the port and to test it with tcpping.`);
    else {
      // Without route-all, an address outside RFC 1918 is reached over the internet, from the app's outbound addresses.
      const overInternet = ip !== undefined && !routeAll && isPrivateAddress(ip) === false;
      targetChecks.push(await testTcp(kudu, app, target.host, target.port, { ...options, source: overInternet ? "the app's outbound addresses, over the internet" : `subnet ${label}` }));
    }
  } else {
    notes.push("Give a HOST[:PORT] to also check the route, the NSG rules and the connection to it.");
  }
  checks.push(await privateIp, ...targetChecks);
  return { appId: app.id, appName: app.name, vnetName: `${vnet.name} (regional, ${nameOf(subnetId)})`, target, resolved, checks, notes };
}

function integrationCheck(subnet: SubnetInfo | undefined, label: string, routeAll: boolean): DiagnosisCheck {
  const title = "Regional VNet integration";
  if (!subnet) return check("regional-integration", "fail", title, `The app names subnet ${label}, which its VNet no longer has.`, { fix: "Remove the app's VNet integration in the portal and add it again with a subnet that exists." });
  const delegated = subnet.delegations.some((d) => d.toLowerCase() === APP_SERVICE_DELEGATION.toLowerCase());
  const traffic = routeAll ? "route-all is on: all outbound traffic enters the VNet" : "route-all is off: only RFC 1918 traffic enters the VNet";
  if (!delegated) return check("regional-integration", "warn", title, `Subnet ${label} (${subnet.addressPrefixes.join(", ")}) is not delegated to ${APP_SERVICE_DELEGATION}; ${traffic}.`, { fix: `Delegate the subnet to ${APP_SERVICE_DELEGATION}: regional integration needs it.` });
  return check("regional-integration", "pass", title, `Subnet ${label} (${subnet.addressPrefixes.join(", ")}); ${traffic}.`);
}

function routeCheck(ip: string, routeAll: boolean, vnet: VnetInfo): DiagnosisCheck {
  const title = `Traffic to ${ip} enters the VNet`;
  if (isPrivateAddress(ip) || routeAll) return check("target-route", "pass", title, routeAll ? "Route-all sends all of the app's outbound traffic into the VNet." : `${ip} is in RFC 1918, which regional integration sends into ${vnet.name}.`);
  return check("target-route", "warn", title, `${ip} is outside RFC 1918 and route-all is off: the app reaches it over the internet, not through ${vnet.name}.`, {
    fix: "If it lives in the VNet, a peer or on-premises, turn route-all on (the app's VNet integration page, or config/web vnetRouteAllEnabled): then all outbound traffic enters the VNet.",
  });
}

/** The integration subnet's outbound rules, then the inbound rules where the address lives (the VNet or a peer). */
async function nsgChecks(reader: AzureReader, vnet: VnetInfo, subnet: SubnetInfo | undefined, prefix: string | undefined, ip: string, port: number | undefined): Promise<DiagnosisCheck[]> {
  if (port === undefined || !prefix) return [];
  const checks: DiagnosisCheck[] = [];
  const target: KnownTarget = { host: ip, port, testedAt: new Date(0) };
  // One NSG may guard both the app's subnet and the target's: it is read once.
  const nsgs = new Map<string, Promise<NsgInfo>>();
  const readNsg = (id: string) => {
    const key = id.toLowerCase();
    if (!nsgs.has(key)) nsgs.set(key, reader.getNsg(id));
    return nsgs.get(key)!;
  };
  if (subnet?.nsgId) {
    const nsg = await readNsg(subnet.nsgId);
    const [blocked] = blockedTargets(nsg, prefix, vnet, [target]);
    checks.push(
      blocked
        ? check("nsg", "fail", `NSG ${nsg.name} lets the app out to ${ip}:${port}`, `Outbound rule \`${blocked.rule.name}\` (priority ${blocked.rule.priority}) denies it.`, { fix: `Allow TCP ${port} to ${ip} from ${prefix} in NSG ${nsg.name}, above rule \`${blocked.rule.name}\`.` })
        : check("nsg", "pass", `NSG ${nsg.name} lets the app out to ${ip}:${port}`, "No outbound rule denies it."),
    );
  }
  const where = await subnetHolding(reader, vnet, ip);
  if (where?.subnet.nsgId) {
    const nsg = await readNsg(where.subnet.nsgId);
    const verdict = evaluateInbound(nsg, { sourcePool: [prefix], destinationIp: ip, port });
    const title = `NSG ${nsg.name} on ${subnetLabel(where.subnet.id)} lets ${prefix} in to ${ip}:${port}`;
    checks.push(
      verdict.allowed
        ? check("nsg", "pass", title, `Allowed by ${verdict.allowingRules.map((r) => `\`${r.name}\``).join(", ") || "its rules"}.`)
        : check("nsg", "fail", title, verdict.blockingRule ? `Inbound rule \`${verdict.blockingRule.name}\` (priority ${verdict.blockingRule.priority}) denies ${verdict.blockedPart}.` : `No inbound rule allows ${verdict.blockedPart}.`, {
            fix: `Allow TCP ${port} from ${prefix} (the app's subnet) in NSG ${nsg.name}${verdict.blockingRule ? `, above rule \`${verdict.blockingRule.name}\`` : ""}.`,
          }),
    );
  }
  return checks;
}

/** The subnet holding the address, in the VNet or in a peer it reaches (a peer that cannot be read is passed over). */
async function subnetHolding(reader: AzureReader, vnet: VnetInfo, ip: string): Promise<{ subnet: SubnetInfo } | undefined> {
  const inVnet = findSubnet(vnet, ip);
  if (inVnet) return { subnet: inVnet };
  for (const peering of vnet.peerings.filter(usable)) {
    if (!peering.remoteAddressSpace.some((space) => prefixHolds(space, ip))) continue;
    const remote = await reader.getVnet(peering.remoteVnetId).catch(() => undefined);
    const found = remote && findSubnet(remote, ip);
    if (found) return { subnet: found };
  }
  return undefined;
}

function findSubnet(vnet: VnetInfo, ip: string): SubnetInfo | undefined {
  return vnet.subnets.find((subnet) => subnet.addressPrefixes.some((prefix) => prefixHolds(prefix, ip)));
}
