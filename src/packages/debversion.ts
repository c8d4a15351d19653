// Debian version comparison ([epoch:]upstream[-revision]), as dpkg orders versions.
// Needed to pick the candidate among several archives (main vs security updates).

function order(c: string): number {
  if (c === '~') return -1;
  if (c === '') return 0;
  if (/[0-9]/.test(c)) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function comparePart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // Non-digit prefix, compared with the special ordering.
    while ((i < a.length && !/[0-9]/.test(a[i])) || (j < b.length && !/[0-9]/.test(b[j]))) {
      const ca = i < a.length && !/[0-9]/.test(a[i]) ? a[i] : '';
      const cb = j < b.length && !/[0-9]/.test(b[j]) ? b[j] : '';
      const d = order(ca) - order(cb);
      if (d !== 0) return d < 0 ? -1 : 1;
      if (ca) i++;
      if (cb) j++;
    }
    // Digit run, compared numerically.
    let na = '';
    let nb = '';
    while (i < a.length && /[0-9]/.test(a[i])) na += a[i++];
    while (j < b.length && /[0-9]/.test(b[j])) nb += b[j++];
    na = na.replace(/^0+/, '');
    nb = nb.replace(/^0+/, '');
    if (na.length !== nb.length) return na.length < nb.length ? -1 : 1;
    if (na !== nb) return na < nb ? -1 : 1;
  }
  return 0;
}

function split(v: string): [number, string, string] {
  let epoch = 0;
  const colon = v.indexOf(':');
  if (colon >= 0) {
    epoch = Number(v.slice(0, colon)) || 0;
    v = v.slice(colon + 1);
  }
  const dash = v.lastIndexOf('-');
  if (dash >= 0) return [epoch, v.slice(0, dash), v.slice(dash + 1)];
  return [epoch, v, ''];
}

/** <0, 0, >0 like dpkg --compare-versions a lt/eq/gt b. */
export function compareDebVersions(a: string, b: string): number {
  const [ea, ua, ra] = split(a);
  const [eb, ub, rb] = split(b);
  if (ea !== eb) return ea < eb ? -1 : 1;
  return comparePart(ua, ub) || comparePart(ra, rb);
}
