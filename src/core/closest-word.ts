/** "Did you mean": the known word a typo most likely meant, for commands and config keys alike. */

/** The candidate closest to word (case-insensitive), if it is close enough to be a typo of it. */
export function closestWord(word: string, candidates: readonly string[]): string | undefined {
  const wanted = word.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const d = editDistance(wanted, candidate.toLowerCase());
    if (!best || d < best.distance) best = { candidate, distance: d };
  }
  return !best || best.distance > Math.max(2, Math.floor(word.length / 3)) || best.distance >= Math.max(word.length, 1) ? undefined : best.candidate;
}

/**
 * Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbours as one edit (optimal
 * string alignment), since "lsit" for "list" is one slip of the fingers, not two. Small inputs only.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
