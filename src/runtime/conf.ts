// Reading NAME.conf values the way the runtime needs them: systemd EnvironmentFile rules for
// a value (surrounding quotes stripped), and shell-like word splitting for the list-valued
// keys (EXTRA_NSPAWN_FLAGS, INTERFACES, MACVLANS) that honours quotes and backslashes, so a
// quoted path with spaces stays one word (upstream word-splits it unquoted).
import type { ContainerConfig } from './types';

export class ConfError extends Error {}

/** The value of `key`, with one pair of surrounding quotes removed; '' when absent. */
export function confValue(conf: ContainerConfig, key: string): string {
  let v = conf[key];
  if (v === undefined || v === null) return '';
  v = String(v).trim();
  if (v.length >= 2 && ((v[0] === '"' && v.endsWith('"')) || (v[0] === "'" && v.endsWith("'")))) {
    v = v.slice(1, -1);
  }
  return v;
}

export function confFlag(conf: ContainerConfig, key: string): boolean {
  const v = confValue(conf, key).toLowerCase();
  return v === '1' || v === 'yes' || v === 'true' || v === 'on';
}

/**
 * Splits `text` into words like a POSIX shell would without expansions: whitespace separates
 * words, '…' is literal, "…" allows \" \\ \$ \` escapes, a backslash outside quotes escapes
 * the next character. Throws ConfError on an unterminated quote.
 */
export function splitWords(text: string, what = 'value'): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i++;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ConfError(`unterminated single quote in ${what}`);
      cur += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      inWord = true;
      for (;;) {
        if (i >= text.length) throw new ConfError(`unterminated double quote in ${what}`);
        const c = text[i];
        if (c === '"') { i++; break; }
        if (c === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1])) {
          if (text[i + 1] !== '\n') cur += text[i + 1];
          i += 2;
          continue;
        }
        cur += c;
        i++;
      }
    } else if (ch === '\\') {
      if (i + 1 < text.length && text[i + 1] !== '\n') cur += text[i + 1];
      inWord = true;
      i += 2;
    } else {
      cur += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** Address without its "/prefix". */
export function stripPrefix(addr: string): string {
  const i = addr.indexOf('/');
  return i < 0 ? addr : addr.slice(0, i);
}
