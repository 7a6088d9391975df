import type * as pulumi from "@pulumi/pulumi";

/**
 * A component's options plus an alias to each type token it was registered under before, so renaming a
 * component's type keeps the URNs of deployed stacks: the engine matches the old state to the new type, and
 * the children follow through their parent's alias. The caller's own aliases are kept (after ours), as
 * pulumi-awsx does for its retyped components.
 */
export function withTypeAliases(opts: pulumi.ComponentResourceOptions | undefined, ...previousTypes: string[]): pulumi.ComponentResourceOptions {
  return { ...opts, aliases: [...previousTypes.map((type) => ({ type })), ...(opts?.aliases ?? [])] };
}
