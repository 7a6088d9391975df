/** Every line of the README's guarantees tables (teams; shared services; sign-in and the gateway; cost figures) names a test, and the describe block it cites, that exist. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readmeTable } from "../helpers/readme";

const ROOT = join(__dirname, "..", "..");

describe.each([
  "What the platform guarantees to teams",
  "What keeps teams apart in the shared services",
  "What sign-in and the gateway guarantee",
  "What the cost figures guarantee",
])("the README's table %s", (heading) => {
  const rows = readmeTable(heading);

  it("has its lines", () => {
    expect(rows.length).toBeGreaterThanOrEqual(10);
  });

  it.each(rows.map((r) => [r[0], r[1]]))("%s: names a test file, and the describe block it cites, that exist", (_, tests) => {
    const cited = [...tests.matchAll(/`(test\/[^`]+\.test\.ts)`(?: › ([^;`]+))?/g)];
    expect(cited.length).toBeGreaterThan(0);
    for (const [, file, block] of cited) {
      expect(existsSync(join(ROOT, file)), file).toBe(true);
      for (const name of block?.split(",").map((b) => b.trim()) ?? [])
        expect(readFileSync(join(ROOT, file), "utf8"), `${file} › ${name}`).toContain(`describe("${name}`);
    }
  });
});
