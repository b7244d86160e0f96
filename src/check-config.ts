/**
 * `npm run check-config [path]`, for deployment pipelines: checks a config file and the shape of the Slack secrets in
 * this environment exactly as the bot would at start, without starting anything or contacting Slack or Azure. Prints
 * every problem and warning; exits 1 when there is a problem, 0 otherwise.
 */
import { checkConfigFromProcess } from "./config.ts";

const USAGE = "usage: npm run check-config -- [path]   (default: VNETBOT_CONFIG, else ./vnetbot.yaml)";

const args = process.argv.slice(2);
if (args.length > 1 || args[0]?.startsWith("-")) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(args[0] === "--help" || args[0] === "-h" ? 0 : 2);
}

const { config, problems, warnings } = checkConfigFromProcess(args[0]);
const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const lines = [...problems.map((p) => `  problem: ${p}`), ...warnings.map((w) => `  warning: ${w}`)];
if (problems.length > 0) {
  process.stderr.write(`check-config: ${count(problems.length, "problem")} and ${count(warnings.length, "warning")}; vnetbot would not start.\n${lines.map((l) => `${l}\n`).join("")}`);
  process.exit(1);
}
const mode = config?.mode === "http" ? " for HTTP mode" : config?.mode === "socket" ? " for Socket Mode" : "";
process.stdout.write(`check-config: ${config?.configPath} is valid${mode} (${count(warnings.length, "warning")}).\n${lines.map((l) => `${l}\n`).join("")}`);
