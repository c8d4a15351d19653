// Placeholder until the system layer lands: fails clearly instead of pretending.
export async function buildVerb(_args: string[]): Promise<number> {
  process.stderr.write('nixos-container: this verb is not implemented yet\n');
  return 1;
}
