/**
 * Cron schedules as a Kubernetes CronJob takes them. The API server parses `spec.schedule` with
 * robfig/cron's standard parser: five fields (day of week 0-6, `?` as `*`), or a descriptor
 * (`@daily`, `@every 2h` …); a TZ= prefix is refused in favour of `spec.timeZone`.
 */

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { name: "day of week", min: 0, max: 6, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
] as const;
type Field = (typeof FIELDS)[number];

const DESCRIPTORS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
/** A Go duration (time.ParseDuration) made of positive amounts: 90m, 1h30m, 2.5h. */
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

function value(text: string, field: Field): number | undefined {
  const names: readonly string[] = "names" in field ? field.names : [];
  const named = names.indexOf(text.toUpperCase());
  if (named >= 0) return named + (field.name === "month" ? 1 : 0);
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

function itemProblem(item: string, field: Field): string | undefined {
  const slash = item.split("/");
  if (slash.length > 2) return `the ${field.name} "${item}" has more than one "/"`;
  const [range, step] = slash;
  if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `the ${field.name} step "${step}" is not a positive number`;
  if (range === "*" || range === "?") return undefined;
  const ends = range.split("-");
  if (ends.length > 2) return `the ${field.name} "${range}" has more than one "-"`;
  const numbers: number[] = [];
  for (const end of ends) {
    const v = value(end, field);
    if (v === undefined || v < field.min || v > field.max) return `the ${field.name} "${end}" is outside ${field.min}-${field.max}`;
    numbers.push(v);
  }
  if (numbers.length === 2 && numbers[0] > numbers[1]) return `the ${field.name} range "${range}" runs backwards`;
  return undefined;
}

/** Why `schedule` is not a schedule a Kubernetes CronJob accepts, or undefined. */
export function cronProblem(schedule: string): string | undefined {
  const text = schedule.trim();
  if (/^(CRON_)?TZ=/.test(text)) return `"${schedule}" carries a time zone; CronJobs take it from spec.timeZone, not the schedule`;
  if (text.startsWith("@")) {
    if (DESCRIPTORS.includes(text)) return undefined;
    const every = /^@every\s+(\S+)$/.exec(text);
    if (every && GO_DURATION.test(every[1])) return undefined;
    return `"${schedule}" is not a descriptor a CronJob knows (${DESCRIPTORS.join(", ")}, or @every with a duration such as 1h30m)`;
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return `"${schedule}" is not a five-field cron schedule such as "0 * * * *"`;
  for (const [i, part] of parts.entries()) {
    for (const item of part.split(",")) {
      const problem = itemProblem(item, FIELDS[i]);
      if (problem) return `"${schedule}": ${problem}`;
    }
  }
  return undefined;
}
