/** How the drills judge: one line per expectation, PASS or FAIL with the measured value, and the exit code. */

/** One expectation and what was measured against it. */
export interface Verdict {
  name: string;
  measured: string;
  goal: string;
  pass: boolean;
}

/** Collects a drill's verdicts; print() writes them and sets the exit code when any failed. */
export class Verdicts {
  readonly #all: Verdict[] = [];

  /** Records an expectation; returns whether it holds, so that a drill can stop early when it does not. */
  expect(name: string, measured: string, goal: string, pass: boolean): boolean {
    this.#all.push({ name, measured, goal, pass });
    return pass;
  }

  get failed(): number {
    return this.#all.filter((v) => !v.pass).length;
  }

  /** "PASS  name: measured (goal: …)" per expectation, then the count; a failure makes the exit code 1. */
  print(): void {
    console.log("");
    for (const v of this.#all) console.log(`${v.pass ? "PASS" : "FAIL"}  ${v.name}: ${v.measured} (goal: ${v.goal})`);
    console.log(`${this.#all.length - this.failed} of ${this.#all.length} expectations met`);
    if (this.failed > 0) process.exitCode = 1;
  }
}
