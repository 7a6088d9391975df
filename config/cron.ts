/** Five-field cron schedules as a Kubernetes CronJob takes them, checked field by field. */

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { name: "day of week", min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
] as const;

function value(text: string, field: (typeof FIELDS)[number]): number | undefined {
  const names: readonly string[] = "names" in field ? field.names : [];
  const named = names.indexOf(text.toUpperCase());
  if (named >= 0) return named + (field.name === "month" ? 1 : 0);
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** Why `schedule` is not a five-field cron schedule, or undefined. */
export function cronProblem(schedule: string): string | undefined {
  const parts = schedule.trim().split(/\s+/);
  if (parts.length !== 5) return `"${schedule}" is not a five-field cron schedule such as "0 * * * *"`;
  for (const [i, part] of parts.entries()) {
    const field = FIELDS[i];
    for (const item of part.split(",")) {
      const [range, step] = item.split("/");
      if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `"${schedule}": the ${field.name} step "${step}" is not a positive number`;
      if (range === "*") continue;
      const [from, to] = range.split("-");
      for (const end of to === undefined ? [from] : [from, to]) {
        const v = value(end, field);
        if (v === undefined || v < field.min || v > field.max) return `"${schedule}": the ${field.name} "${end}" is outside ${field.min}-${field.max}`;
      }
    }
  }
  return undefined;
}
