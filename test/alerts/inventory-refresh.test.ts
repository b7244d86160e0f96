// The scheduled inventory refresh says so in the alert channel when it cannot read a subscription: the gateway check
// goes on from the last kept inventory, and integrations made since would otherwise go unchecked without a word.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInventoryKeeper } from "../../src/core/inventory-keeper.ts";
import { createLocalLocks } from "../../src/core/local-locks.ts";
import { inventoryJob } from "../../handlers/job-inventory.ts";
import { ALERTS, startAlertWorld, type AlertWorld } from "./alert-world.ts";

let world: AlertWorld;
beforeEach(async () => {
  world = await startAlertWorld();
});
afterEach(() => world.close());

describe("the scheduled inventory refresh", () => {
  const job = () => {
    const keeper = createInventoryKeeper({ reader: world.azure.reader, store: world.stores.alerts, subscriptions: world.azure.subscriptions, clock: { now: () => world.now() }, locks: createLocalLocks() });
    const { store, chat, channel, logger, subscriptions } = world.deps;
    return { keeper, job: inventoryJob(keeper, "*/15 * * * *", { logger, subscriptions, alerts: { store, chat, channel } }) };
  };
  const said = () => world.slack.workspace.messages(ALERTS).map((m) => m.text);
  const outcomeOf = (run: Promise<unknown>) => run.then(() => "done", (error: unknown) => `failed: ${(error as Error).message}`);

  it("tells the channel once that a subscription could not be read and its old inventory stays, then that it works again", async () => {
    const { keeper, job: refresh } = job();
    await keeper.refresh();
    const fault = world.azure.sim.faults.add({ method: "GET", path: /\/providers\/Microsoft\.Web\/serverfarms$/i, status: 403, code: "AuthorizationFailed", message: "The client does not have authorization to perform action 'Microsoft.Web/serverfarms/read'." });
    world.later(1);

    const first = await outcomeOf(refresh.run(world.now()));
    world.later(0.25);
    const second = await outcomeOf(refresh.run(world.now()));
    const whileFailing = said();
    world.azure.sim.faults.remove(fault);
    world.later(0.25);
    const recovered = await outcomeOf(refresh.run(world.now()));

    expect(first).toMatch(/^failed: The inventory refresh could not keep every subscription: subscription \S+ could not be read \(The bot is not allowed to do this .*serverfarms\/read\.\); its inventory as of 2026-03-01 09:00 UTC stays/);
    expect(second).toMatch(/^failed:/);
    expect(whileFailing).toHaveLength(1);
    expect(whileFailing[0]).toMatch(/^:warning: Part of the inventory refresh failed, .*its inventory as of 2026-03-01 09:00 UTC stays, so integrations made since then are not checked/);
    expect(recovered).toBe("done");
    expect(said().slice(1)).toEqual([expect.stringMatching(/^:white_check_mark: The inventory refresh works again: \d+ integrations checked\.$/)]);
  });

  it("tells a second subscription that stops being readable while the first still fails", async () => {
    const { keeper, job: refresh } = job();
    await keeper.refresh();
    const [first, second] = world.azure.subscriptions;
    const refuse = (subscription: string) => world.azure.sim.faults.add({ method: "GET", path: new RegExp(`/subscriptions/${subscription}/providers/Microsoft\\.Web/serverfarms$`, "i"), status: 403, code: "AuthorizationFailed", message: "no read" });
    refuse(second!);
    world.later(0.25);
    await outcomeOf(refresh.run(world.now()));
    refuse(first!);
    world.later(0.25);
    await outcomeOf(refresh.run(world.now()));
    world.later(0.25);
    await outcomeOf(refresh.run(world.now()));

    expect(said()).toHaveLength(2);
    expect(said()[0]).toMatch(new RegExp(`^:warning: Part of the inventory refresh failed, .*subscription ${second}`));
    expect(said()[1]).toMatch(new RegExp(`^:warning: More of the inventory refresh fails now, .*subscription ${first} could not be read`));
    expect(said()[1]).not.toContain(`subscription ${second}`);
  });

  it("says nothing more while the same subscription keeps failing, whatever Azure's reason", async () => {
    const { keeper, job: refresh } = job();
    await keeper.refresh();
    const [, second] = world.azure.subscriptions;
    const path = new RegExp(`/subscriptions/${second}/providers/Microsoft\\.Web/serverfarms$`, "i");
    const forbidden = world.azure.sim.faults.add({ method: "GET", path, status: 403, code: "AuthorizationFailed", message: "no read" });
    world.later(0.25);
    await outcomeOf(refresh.run(world.now()));
    world.azure.sim.faults.remove(forbidden);
    world.azure.sim.faults.add({ method: "GET", path, status: 404, code: "SubscriptionNotFound", message: "gone" });
    world.later(0.25);
    await outcomeOf(refresh.run(world.now()));

    expect(said()).toHaveLength(1);
  });

  it("says nothing while every subscription is read", async () => {
    const { job: refresh } = job();

    expect(await outcomeOf(refresh.run(world.now()))).toBe("done");
    world.later(0.25);
    expect(await outcomeOf(refresh.run(world.now()))).toBe("done");
    expect(said()).toEqual([]);
  });
});
