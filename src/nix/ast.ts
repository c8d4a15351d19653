// AST of the Nix language (output of parser.ts, input of compile.ts).

export interface Source {
  file: string; // absolute path, or a label such as "(string)" / "«stdin»"
  text: string; // byte string (latin1-decoded file contents)
  isFile: boolean;
}

/**
 * The `file` a position shows as a value (unsafeGetAttrPos, __curPos, toXML's `path`): the
 * path for a file; for an expression given as a string or on stdin, Nix 2.8 gives the source
 * text itself (its error messages say «string» instead).
 */
export function posFile(src: Source): string {
  return src.isFile ? src.file : src.text;
}

export interface Pos {
  src: Source;
  line: number;
  col: number;
}

export type AttrKey = { k: 'static'; name: string } | { k: 'dynamic'; e: Node };

export interface Binding {
  value: Node;
  pos: Pos;
  // 'inherit' values are variables resolved in the scope *outside* a rec set / let
  inherited: boolean;
}

export interface DynBinding {
  key: Node;
  value: Node;
  pos: Pos;
}

export type Node =
  | { k: 'int'; v: number | bigint; pos: Pos }
  | { k: 'float'; v: number; pos: Pos }
  | { k: 'str'; v: string; pos: Pos }
  | { k: 'path'; v: string; pos: Pos }
  | { k: 'interp'; parts: Node[]; path: boolean; pos: Pos }
  | { k: 'var'; name: string; pos: Pos; outer?: boolean }
  | { k: 'inhfrom'; idx: number; pos: Pos }
  | { k: 'select'; e: Node; path: AttrKey[]; def: Node | null; pos: Pos }
  | { k: 'has'; e: Node; path: AttrKey[]; pos: Pos }
  | AttrsNode
  | { k: 'list'; elems: Node[]; pos: Pos }
  | LambdaNode
  | { k: 'call'; fn: Node; args: Node[]; pos: Pos }
  | { k: 'let'; attrs: AttrsNode; body: Node; pos: Pos }
  | { k: 'with'; env: Node; body: Node; pos: Pos }
  | { k: 'if'; cond: Node; then: Node; else: Node; pos: Pos }
  | { k: 'assert'; cond: Node; body: Node; pos: Pos }
  | { k: 'not'; e: Node; pos: Pos }
  | { k: 'bin'; op: BinOp; a: Node; b: Node; pos: Pos }
  | { k: 'curpos'; pos: Pos };

/**
 * A function body from the AST cache that is decoded on first use (src/nix/ast-cache.ts): it
 * stands where a LambdaNode's body is; only the compiler meets it, and asks it for the node.
 */
export interface LazyNode {
  k: 'lazy';
  get(): Node;
}

export type BinOp = '==' | '!=' | '&&' | '||' | '->' | '//' | '++' | '+' | '-' | '*' | '/' | '<' | '>' | '<=' | '>=';

export interface AttrsNode {
  k: 'attrs';
  rec: boolean;
  binds: Map<string, Binding>;
  dyn: DynBinding[];
  inheritFrom: Node[];
  pos: Pos;
}

export interface Formal {
  name: string;
  def: Node | null;
  pos: Pos;
}

export interface LambdaNode {
  k: 'lambda';
  arg: string | null;
  formals: Formal[] | null;
  ellipsis: boolean;
  body: Node;
  pos: Pos;
  name?: string;
}
