/**
 * amtool over an Alertmanager configuration given as text (written to a scratch file for the call).
 *
 * routeReceivers(amtool, configYaml, labels) — `amtool config routes test --config.file=<f> k=v …` — returns the
 * receivers an alert with exactly these labels reaches, in the order the routing tree defines them (more than one
 * where a route has `continue: true`). Compare with toEqual([...]): the order is part of the answer.
 * checkAlertmanagerConfig(amtool, configYaml) — `amtool check-config <f>` — throws with amtool's output when
 * Alertmanager would refuse the configuration.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runChecked } from "./promtool";

function withConfigFile<T>(configYaml: string, use: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "amtool-"));
  try {
    const file = join(dir, "alertmanager.yaml");
    writeFileSync(file, configYaml);
    return use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Label names as Prometheus allows them; values quoted, so commas, spaces and `=` in them stay values. */
const labelArg = ([name, value]: [string, string]): string => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a label name: ${name}`);
  return `${name}=${JSON.stringify(value)}`;
};

export function routeReceivers(amtool: string, configYaml: string, labels: Readonly<Record<string, string>>): string[] {
  return withConfigFile(configYaml, (file) => {
    const run = runChecked(amtool, ["config", "routes", "test", `--config.file=${file}`, ...Object.entries(labels).map(labelArg)]);
    if (!run.ok) throw new Error(`amtool config routes test failed:\n${run.output}`);
    // stdout is the one line of receivers; amtool's warnings go to stderr.
    const line = run.stdout.trim();
    return line === "" ? [] : line.split(",");
  });
}

export function checkAlertmanagerConfig(amtool: string, configYaml: string): string {
  return withConfigFile(configYaml, (file) => {
    const run = runChecked(amtool, ["check-config", file]);
    if (!run.ok) throw new Error(`amtool check-config refused the configuration:\n${run.output}`);
    return run.output;
  });
}
