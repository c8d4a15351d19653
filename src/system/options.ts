// Option introspection for `nixos-container option` (like nixos-option): the value, type,
// default, description and the files that declare and define one option of a configuration.
import type { Evaluator, Value } from '../nix';
import { attrNames, forceString, getAttr, isAttrs, isFunctionValue, isList, fromJS } from '../nix';
import type { StatePaths } from '../state/paths';
import { ConfigError, asConfigError, evaluateConfig, selectPath } from './evaluate';
import type { PackageProvider } from './host';

export interface OptionQuery {
  configFile: string;
  paths: StatePaths;
  searchPath?: string[];
  packages?: PackageProvider;
  showTrace?: boolean;
  /** The option path, dotted, with "quoted" components for names containing dots. */
  option: string;
}

export interface OptionInfo {
  kind: 'option';
  name: string;
  /** Printed in Nix syntax; undefined when evaluating it failed (see valueError). */
  value?: string;
  valueJSON?: unknown;
  valueError?: string;
  type?: string;
  default?: string;
  example?: string;
  description?: string;
  readOnly: boolean;
  declarations: string[];
  definitions: string[];
}

export interface OptionSetInfo {
  kind: 'set';
  name: string;
  children: string[];
}

export function splitOptionPath(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '\\' && i + 1 < s.length) cur += s[++i];
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === '.') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.filter((p, i) => p !== '' || i < out.length - 1);
}

function isOption(v: Value | undefined): boolean {
  if (v === undefined || !isAttrs(v)) return false;
  const t = getAttr(v, '_type');
  return t !== undefined && forceString(null, t) === 'option';
}

function tryString(ev: Evaluator, v: Value | undefined): string | undefined {
  if (v === undefined) return undefined;
  try {
    return ev.printValue(v, { strict: true }).replace(/^"(.*)"$/s, (_m, x: string) => x);
  } catch {
    return undefined;
  }
}

function rendered(ev: Evaluator, v: Value | undefined): string | undefined {
  if (v === undefined) return undefined;
  try {
    if (isAttrs(v)) {
      const t = getAttr(v, '_type');
      const text = getAttr(v, 'text');
      if (t !== undefined && text !== undefined && /^literal/.test(forceString(null, t))) return forceString(null, text);
    }
    if (isFunctionValue(v)) return '«lambda»';
    return ev.printValue(v, { strict: true });
  } catch (e) {
    return `«error: ${(e as Error).message.split('\n')[0].replace(/^error: /, '')}»`;
  }
}

function fileList(ev: Evaluator, v: Value | undefined): string[] {
  if (v === undefined || !isList(v)) return [];
  return (ev.toJS(v) as unknown[]).map((x) => (typeof x === 'string' ? x : typeof x === 'object' && x && 'file' in x ? String((x as { file: unknown }).file) : String(x)));
}

export function describeOption(q: OptionQuery): OptionInfo | OptionSetInfo {
  const { ev, nixos } = evaluateConfig(q);
  const parts = splitOptionPath(q.option);
  const name = parts.map((p) => (/^[A-Za-z_][A-Za-z0-9_'-]*$/.test(p) ? p : JSON.stringify(p))).join('.');
  try {
    const options = selectPath(nixos, ['options'])!;
    const config = selectPath(nixos, ['config'])!;
    // Walk the option tree; below an option (attrsOf submodule, ...) use its sub-options.
    let node: Value | undefined = options;
    let i = 0;
    while (i < parts.length && node !== undefined) {
      if (isOption(node)) {
        const getSub = selectPath(node, ['type', 'getSubOptions']);
        const sub: Value | undefined = getSub ? ev.call(getSub, fromJS([])) : undefined;
        if (sub === undefined || !isAttrs(sub) || attrNames(sub).length === 0) {
          node = undefined;
        } else if (getAttr(sub, parts[i]) !== undefined) {
          node = getAttr(sub, parts[i]);
          i++;
        } else {
          node = sub; // parts[i] names an element of an attrsOf/listOf submodule
          i++;
        }
        continue;
      }
      node = isAttrs(node) ? getAttr(node, parts[i]) : undefined;
      i++;
    }
    if (node === undefined) throw new ConfigError(`error: the option \`${name}' does not exist.`);
    if (!isOption(node)) {
      return { kind: 'set', name, children: attrNames(node).filter((n) => !n.startsWith('_')) };
    }
    const opt: Value = node;
    const info: OptionInfo = {
      kind: 'option',
      name,
      readOnly: getAttr(opt, 'readOnly') !== undefined && ev.toJS(getAttr(opt, 'readOnly')!) === true,
      declarations: fileList(ev, getAttr(opt, 'declarations')),
      definitions: fileList(ev, getAttr(opt, 'files')),
    };
    const valueV = selectPath(config, parts);
    try {
      if (valueV === undefined) throw new Error(`error: The option \`${name}' is used but not defined.`);
      info.value = ev.printValue(valueV, { strict: true });
      try {
        info.valueJSON = ev.toJS(valueV);
      } catch {
        /* printed only */
      }
    } catch (e) {
      info.valueError = asConfigError(e).message;
    }
    info.type = tryString(ev, selectPath(opt, ['type', 'description']));
    info.default = rendered(ev, getAttr(opt, 'defaultText') ?? getAttr(opt, 'default'));
    info.example = rendered(ev, getAttr(opt, 'example'));
    info.description = tryString(ev, getAttr(opt, 'description'));
    return info;
  } catch (e) {
    throw asConfigError(e);
  }
}
