// Container name rules. Upstream accepts ^[a-zA-Z0-9_-]+$ for every verb and limits new
// names to 11 characters (`ve-` + 11 = 14 < IFNAMSIZ 16). `create` here also refuses what
// systemd-nspawn would refuse later as a machine name (underscores) and names that look
// like options (a leading '-').

export const MAX_NAME_LENGTH = 11;

/** Why `name` is not a valid container name for any verb, or undefined when it is valid. */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'the name is empty';
  if (/^[a-zA-Z0-9_-]+$/.test(name)) return undefined;
  if (name.includes('/')) return "it contains '/'; a name is not a path";
  if (name === '.' || name === '..') return 'it is a relative directory name';
  return "only letters, digits, '-' and '_' are allowed";
}

/** Extra rules for names of new containers (after nameProblem passed). */
export function newNameProblem(name: string): string | undefined {
  if (name.includes('_')) return "underscores are not allowed (systemd-nspawn refuses them in machine names); use '-' instead";
  if (name.startsWith('-')) return "a name cannot start with '-'";
  return undefined;
}
