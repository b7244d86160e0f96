/** How the benchmarks print their figures: one table, each figure beside its floor and its goal. */

/** One figure: what was measured, what it is measured against, the goal, and whether it meets it. */
export interface Figure {
  name: string;
  measured: string;
  against?: string;
  goal?: string;
  /** undefined: a figure for information, without a goal. */
  meets?: boolean;
}

/** Prints the figures as an aligned table under a title. */
export function printFigures(title: string, figures: readonly Figure[], notes: readonly string[] = []): void {
  const rows = [["", "measured", "against", "goal", ""], ...figures.map((f) => [f.name, f.measured, f.against ?? "", f.goal ?? "", f.meets === undefined ? "" : f.meets ? "meets" : "MISSES"])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(`\n${title}`);
  for (const row of rows) console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join("   ").trimEnd()}`);
  for (const note of notes) console.log(`  ${note}`);
}

/** "1.04×" */
export const ratio = (value: number, floor: number) => (floor > 0 ? `${(value / floor).toFixed(2)}×` : "n/a");

/** The p-th percentile (0-100) of some numbers, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}
