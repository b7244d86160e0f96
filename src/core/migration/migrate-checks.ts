/** The refusals of a migration, all made before anything is approved: every broken rule at once, with what to do. */
import { parseCidr } from "../address-range.ts";
import type { EligibilityProblem } from "../eligibility.ts";
import { sameId } from "../resource-id.ts";
import type { MigrationFacts } from "./migrate-facts.ts";
import {
  checkNotOnOtherSubnet,
  checkIpv4OnlyVnet,
  checkRegionalPerPlan,
  checkSharedSubnetRoom,
  checkRegionalTier,
  checkResourceManagerVnet,
  checkSameRegion,
  checkScaleUnit,
  checkSubnet,
  checkSubnetSize,
  subnetLabel,
} from "./regional-rules.ts";
import { isFreeRange } from "./subnet-choice.ts";

/** Every problem with moving these apps into this subnet; empty when the migration may be proposed. */
export function migrationProblems(facts: MigrationFacts, newPrefix: string | undefined): EligibilityProblem[] {
  const { plan, targetVnet, subnet } = facts;
  const problems: EligibilityProblem[] = [...checkRegionalTier(plan), ...checkResourceManagerVnet(targetVnet.id), ...checkSameRegion(plan, targetVnet, facts.vnetName), ...checkIpv4OnlyVnet(plan, targetVnet, facts.vnetName)];
  for (const moving of facts.apps) {
    problems.push(...checkScaleUnit(moving.app.name, moving.regional.swiftSupported, plan), ...checkNotOnOtherSubnet(moving.app.name, moving.regional.subnetId, facts.subnetId));
    if (!moving.connection && !moving.record && !sameId(moving.regional.subnetId, facts.subnetId)) {
      problems.push({ rule: "regional-one-per-app", message: `${moving.app.name} has no gateway-required integration with ${facts.vnetName}.`, fix: "There is nothing to migrate for it: /vnet show says what it uses." });
    }
  }
  // After this move the plan holds its regional subnets and this one: Azure's limit. The gateway VNets it keeps are
  // a warning of the preview (regionalRoomWarning), not a refusal: moving into a subnet the plan already uses is how
  // a plan with more gateway VNets than regional integrations migrates at all.
  problems.push(...checkRegionalPerPlan(plan, subnetsAfterMove(facts), [], { subnetId: facts.subnetId, vnetName: facts.vnetName, ...(facts.apps.length === 1 ? { app: facts.apps[0]!.app.name } : {}) }));
  if (subnet) {
    problems.push(...checkSubnet(subnet, plan, { join: true }), ...checkSharedSubnetRoom(subnet, plan, facts.sharingPlans));
    if (newPrefix && !subnet.addressPrefixes.includes(newPrefix)) {
      problems.push({ rule: "subnet-inside-vnet", message: `Subnet ${subnet.name} already exists in ${targetVnet.name} with ${subnet.addressPrefixes.join(", ")}, not ${newPrefix}.`, fix: `Leave out --new-subnet to use it as it is, or name a new subnet.` });
    }
  } else if (!newPrefix) {
    problems.push({ rule: "subnet-inside-vnet", message: `${targetVnet.name} has no subnet ${subnetLabel(facts.subnetId)}.`, fix: "Name an existing subnet, or give --new-subnet CIDR to create it." });
  } else {
    problems.push(...newRangeProblems(facts, newPrefix));
  }
  return problems;
}

/** The regional subnets the plan uses once this move is done. */
export function subnetsAfterMove(facts: Pick<MigrationFacts, "planRegionalSubnets" | "subnetId">): string[] {
  return [...facts.planRegionalSubnets, facts.subnetId.toLowerCase()];
}

/** The plan's other gateway VNets: the one being left is not among them. */
export function otherGatewayVnets(facts: Pick<MigrationFacts, "planGatewayVnets" | "vnetName">): string[] {
  return facts.planGatewayVnets.filter((name) => name.toLowerCase() !== facts.vnetName.toLowerCase());
}

function newRangeProblems(facts: MigrationFacts, prefix: string): EligibilityProblem[] {
  const { inside, overlaps } = isFreeRange(facts.targetVnet, prefix);
  const problems: EligibilityProblem[] = [];
  if (!inside) problems.push({ rule: "subnet-inside-vnet", message: `${prefix} is not inside ${facts.targetVnet.name}'s address space (${facts.targetVnet.addressSpace.join(", ")}).`, fix: "Give a free range inside the VNet's address space; /vnet migration proposes one." });
  if (overlaps.length > 0) problems.push({ rule: "subnet-inside-vnet", message: `${prefix} overlaps subnet${overlaps.length === 1 ? "" : "s"} ${overlaps.join(", ")} of ${facts.targetVnet.name}.`, fix: "Give a range no subnet uses; /vnet migration proposes one." });
  problems.push(...checkSubnetSize(prefix, Number(prefix.split("/")[1]), facts.plan));
  return problems;
}

/** The new subnet's range in canonical form; throws the parser's usage error for text that is no CIDR. */
export function canonicalPrefix(text: string): string {
  const range = parseCidr(text);
  return `${[24, 16, 8, 0].map((shift) => (range.start >>> shift) & 255).join(".")}/${text.trim().split("/")[1]}`;
}
