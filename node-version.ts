/**
 * Node.js version guard, the first module index.ts loads. `pulumi up` runs the program with the first `node`
 * on PATH; below Node 22 (package.json `engines`) the program or its SDK fails later with an obscure error.
 * Imports nothing, so importing it checks the version before anything else is loaded.
 */

/** The minimum version of package.json `engines.node`, major and minor (a test keeps them equal). */
export const MIN_NODE_MAJOR = 22;
export const MIN_NODE_MINOR = 12;

/** A description of what is wrong with running on Node `version` ("20.20.2" or "v20.20.2"), or undefined when it is supported. */
export function nodeVersionProblem(version: string, execPath?: string): string | undefined {
  const m = /^v?(\d+)\.(\d+)\./.exec(version);
  const [major, minor] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (major > MIN_NODE_MAJOR || (major === MIN_NODE_MAJOR && minor >= MIN_NODE_MINOR)) return undefined;
  const where = execPath ? ` (${execPath})` : "";
  return [
    `mlops-platform needs Node.js ${MIN_NODE_MAJOR} (${MIN_NODE_MAJOR}.${MIN_NODE_MINOR} or newer), but this program runs on Node.js ${version}${where}.`,
    "Pulumi runs the program with the first `node` on PATH. Run it through npm, which puts the project's",
    `Node ${MIN_NODE_MAJOR} (node_modules/.bin/node, installed by \`npm ci\`) first on PATH:`,
    "  npm run pulumi -- up --stack dev      (any pulumi command and stack after the --)",
  ].join("\n");
}

/** Throws when the running Node.js is older than the project supports. */
export function assertSupportedNode(version: string = process.versions.node, execPath: string = process.execPath): void {
  const problem = nodeVersionProblem(version, execPath);
  if (problem) throw new Error(problem);
}

assertSupportedNode();
