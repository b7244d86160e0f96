import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSimulator } from "./test-estate.ts";

let t: Awaited<ReturnType<typeof startTestSimulator>>;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(async () => {
  await t.sim.close();
});

async function run(app: string, command: string): Promise<{ status: number; body: { Output: string; Error: string; ExitCode: number } }> {
  const response = await fetch(`${t.sim.url}/kudu/${app}/api/command`, {
    method: "POST",
    headers: { authorization: "Bearer test-token", "content-type": "application/json" },
    body: JSON.stringify({ command, dir: "site\\wwwroot" }),
  });
  return { status: response.status, body: (await response.json()) as { Output: string; Error: string; ExitCode: number } };
}

describe("Kudu command API on the app's worker", () => {
  it.each([
    ["tcpping.exe sql.contoso.internal:1433", "app-a", /Complete: 4\/4 successful/, 0],
    ["tcpping 10.10.1.4 1433", "app-a", /Connected to 10\.10\.1\.4:1433/, 0],
    ["tcpping.exe 10.10.1.4:22", "app-a", /actively refused/, 1],
    ["tcpping.exe 10.10.1.4:1433", "app-b", /timed out/, 1],
  ])("%s from %s answers what the estate's network allows", async (command, app, output, exitCode) => {
    const { status, body } = await run(app, command);

    expect(status).toBe(200);
    expect(body.Output + body.Error).toMatch(output);
    expect(body.ExitCode).toBe(exitCode);
  });

  it("resolves a private name through the VNet's DNS server", async () => {
    const { body } = await run("app-a", "nameresolver.exe sql.contoso.internal");

    expect(body.Output).toMatch(/Server: 10\.10\.0\.4[\s\S]*10\.10\.1\.4/);
    expect(body.ExitCode).toBe(0);
  });

  it("times out when the VNet's DNS server does not answer", async () => {
    t.sim.state.network.unreachableDnsServers = ["10.10.0.4"];

    const { body } = await run("app-a", "nameresolver.exe sql.contoso.internal");
    t.sim.state.network.unreachableDnsServers = [];

    expect(body.Error).toMatch(/timed out/);
    expect(body.ExitCode).toBe(1);
  });

  it("echoes WEBSITE_PRIVATE_IP from the gateway's point-to-site pool", async () => {
    const { body } = await run("app-a", "cmd /c echo %WEBSITE_PRIVATE_IP%");

    expect(body.Output.trim()).toMatch(/^172\.16\.201\.\d+$/);
  });

  it("loses reachability into the VNet when the gateway fails", async () => {
    t.sim.state.gateways.named("gw-hub").provisioningState = "Failed";

    const { body } = await run("app-a", "tcpping.exe 10.10.1.4:1433");
    t.sim.state.gateways.named("gw-hub").provisioningState = "Succeeded";

    expect(body.Output).toMatch(/timed out/);
  });

  it("answers an unknown command like cmd does, still with HTTP 200", async () => {
    const { status, body } = await run("app-a", "ping 10.10.1.4");

    expect(status).toBe(200);
    expect(body).toMatchObject({ ExitCode: 1, Error: expect.stringMatching(/not recognized/) });
  });
});
