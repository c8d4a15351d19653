// Programs Debian installs through update-alternatives (vim's /usr/bin/vim, /usr/bin/editor,
// iptables, awk, ...) are made by the package's postinst, which we never run: the links are
// read from the script instead, so "${pkgs.vim}/bin/vim" exists. Only literal commands are
// understood (`update-alternatives [--quiet] --install LINK NAME PATH PRIO [--slave LINK
// NAME PATH]...`); anything built from shell variables is skipped.
import * as fs from 'fs';
import * as path from 'path';

export interface Alternative {
  /** The generic name, e.g. /usr/bin/vim. */
  link: string;
  /** The program it stands for in this package, e.g. /usr/bin/vim.basic. */
  path: string;
  /** update-alternatives' priority (slaves have their master's): the highest one wins. */
  priority: number;
}

const literal = (s: string | undefined): s is string => !!s && s.startsWith('/') && !/[$`"'*?]/.test(s);

/** The alternatives a maintainer script installs, highest priority first. */
export function parseAlternatives(script: string): Alternative[] {
  const out: Alternative[] = [];
  const joined = script.replace(/\\\r?\n/g, ' ');
  for (const line of joined.split('\n')) {
    const at = line.indexOf('update-alternatives');
    if (at < 0 || !line.includes('--install')) continue;
    const words = line.slice(at).split(/;|&&|\|\|/)[0].split(/\s+/).filter(Boolean);
    let priority = 0;
    for (let i = 0; i < words.length; i++) {
      if (words[i] === '--install' || words[i] === '--slave') {
        const [link, , target, prio] = words.slice(i + 1, i + 5);
        if (words[i] === '--install') priority = Number(prio) || 0;
        if (literal(link) && literal(target)) out.push({ link, path: target, priority });
        i += words[i] === '--install' ? 4 : 3;
      }
    }
  }
  return out.sort((a, b) => b.priority - a.priority);
}

/** Alternatives of a package installed on the host, from dpkg's copy of its postinst. */
export function hostAlternatives(infoDir: string, name: string, arch: string): Alternative[] {
  for (const base of [`${name}:${arch}.postinst`, `${name}.postinst`]) {
    try {
      return parseAlternatives(fs.readFileSync(path.join(infoDir, base), 'utf8'));
    } catch {
      // try the next spelling
    }
  }
  return [];
}

export function formatAlternatives(alts: Alternative[]): string {
  return alts.map((a) => `${a.link} ${a.path} ${a.priority}\n`).join('');
}

export function readAlternativesFile(file: string): Alternative[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [link, p, prio] = l.split(' ');
      return { link, path: p, priority: Number(prio) || 0 };
    });
}
