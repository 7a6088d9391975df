/** npm run cost:readme: rewrites the README's "What it costs" section from the shipped stacks and the price catalogue. */
import { join } from "node:path";
import { writeReadmeSection } from "./cost/readme-section";

writeReadmeSection(join(__dirname, "..", "README.md"));
console.log("README.md: cost estimate section rewritten");
