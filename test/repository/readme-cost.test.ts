/** The README's "What it costs" section is what `npm run cost:readme` writes now: generated, never edited by hand. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { costSection, END, START, withCostSection } from "../../scripts/cost/readme-section";

const README = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

describe("the README's cost estimate section", () => {
  it("sits between its markers and equals the generator's output for the shipped stacks (run npm run cost:readme)", () => {
    expect(README.indexOf(START)).toBeGreaterThan(0);
    expect(README.indexOf(END)).toBeGreaterThan(README.indexOf(START));
    const section = costSection();
    expect(section).toContain("| dev (us-east-1) |");
    expect(withCostSection(README, section)).toBe(README);
  });
});
