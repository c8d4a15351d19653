// Renders a parsed expression back as Nix source (for `eval --parse`), fully
// parenthesised like `nix-instantiate --parse`.
import type { AttrKey, AttrsNode, Node } from './ast';
import { escapeNixString, printAttrName } from './printer';

function key(k: AttrKey): string {
  return k.k === 'static' ? printAttrName(k.name) : `"\${${showAst(k.e)}}"`;
}

function attrsBody(n: AttrsNode): string {
  let out = '';
  for (const [name, b] of n.binds) {
    if (b.inherited) out += `inherit ${printAttrName(name)}; `;
    else if (b.value.k === 'select' && b.value.e.k === 'inhfrom') out += `inherit (${showAst(n.inheritFrom[b.value.e.idx])}) ${printAttrName(name)}; `;
    else out += `${printAttrName(name)} = ${showAst(b.value)}; `;
  }
  for (const d of n.dyn) out += `"\${${showAst(d.key)}}" = ${showAst(d.value)}; `;
  return out;
}

export function showAst(n: Node): string {
  switch (n.k) {
    case 'int':
      return String(n.v);
    case 'float':
      return String(n.v);
    case 'str':
      return escapeNixString(n.v);
    case 'path':
      return n.v;
    case 'interp':
      if (n.path) return n.parts.map((p) => (p.k === 'str' ? p.v : `\${${showAst(p)}}`)).join('');
      return '"' + n.parts.map((p) => (p.k === 'str' ? escapeNixString(p.v).slice(1, -1) : `\${${showAst(p)}}`)).join('') + '"';
    case 'var':
      return n.name;
    case 'inhfrom':
      return `<inherited ${n.idx}>`;
    case 'select':
      return `(${showAst(n.e)}).${n.path.map(key).join('.')}${n.def ? ` or (${showAst(n.def)})` : ''}`;
    case 'has':
      return `((${showAst(n.e)}) ? ${n.path.map(key).join('.')})`;
    case 'attrs':
      return `${n.rec ? 'rec ' : ''}{ ${attrsBody(n)}}`;
    case 'list':
      return `[ ${n.elems.map((e) => showAst(e) + ' ').join('')}]`;
    case 'lambda': {
      let head: string;
      if (n.formals === null) head = n.arg!;
      else {
        const fs = n.formals.map((f) => (f.def ? `${f.name} ? ${showAst(f.def)}` : f.name));
        if (n.ellipsis) fs.push('...');
        head = `{ ${fs.join(', ')} }`;
        if (n.arg !== null) head = `${n.arg} @ ${head}`;
      }
      return `(${head}: ${showAst(n.body)})`;
    }
    case 'call':
      return `(${showAst(n.fn)} ${n.args.map(showAst).join(' ')})`;
    case 'let':
      return `(let ${attrsBody(n.attrs)}in ${showAst(n.body)})`;
    case 'with':
      return `(with ${showAst(n.env)}; ${showAst(n.body)})`;
    case 'if':
      return `(if ${showAst(n.cond)} then ${showAst(n.then)} else ${showAst(n.else)})`;
    case 'assert':
      return `(assert ${showAst(n.cond)}; ${showAst(n.body)})`;
    case 'not':
      return `(! ${showAst(n.e)})`;
    case 'bin':
      return `(${showAst(n.a)} ${n.op} ${showAst(n.b)})`;
    case 'curpos':
      return '__curPos';
  }
}
