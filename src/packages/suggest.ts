// "Did you mean" for package names: edit distance over every available name.

function normalize(s: string): string {
  return s.toLowerCase().replace(/[-_.]/g, '');
}

/** Levenshtein distance with transpositions, giving up (returning limit+1) beyond `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n];
}

/**
 * The names closest to `wanted` (at most `max`): same name up to case and -_. first, then by
 * edit distance (at most a third of the length, at least 1). Names in `preferred` (installed
 * on the host, nixpkgs aliases) count as a quarter edit closer. Only the best tier is given:
 * "did you mean 'jq'?" rather than a list of equally plausible strangers.
 */
export function closestNames(wanted: string, names: Iterable<string>, preferred: (n: string) => boolean, max = 3): string[] {
  const w = normalize(wanted);
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  const scored: Array<[number, string]> = [];
  for (const name of names) {
    if (name === wanted) continue;
    const nn = normalize(name);
    let d = 0;
    if (nn !== w) {
      d = editDistance(w, nn, limit);
      if (d > limit) continue;
      d += 0.5; // anything equal up to case and punctuation comes first
    }
    if (preferred(name)) d -= 0.25;
    scored.push([d, name]);
  }
  if (scored.length === 0) return [];
  scored.sort((x, y) => x[0] - y[0] || x[1].length - y[1].length || (x[1] < y[1] ? -1 : 1));
  const best = scored[0][0];
  return scored.filter((s) => s[0] === best).slice(0, max).map((s) => s[1]);
}
