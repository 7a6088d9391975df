/** A glob whose only wildcard is `*`, any run of characters: IAM's ARN patterns and Fluent Bit's Match both read so. */
export const globMatches = (pattern: string, text: string): boolean =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  ).test(text);
