/**
 * Command-line flags of the benchmarks: `--name value`, `--name=value`, `-c 32`, and `booleans` alone.
 * An unknown flag or a missing value throws with `usage`; `--help` prints it and exits.
 */
export function readFlags(
  argv: string[],
  { known, booleans, usage }: { known: string[]; booleans: string[]; usage: string },
): Map<string, string | true> {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-')) throw new Error(`Unexpected argument ${arg}\n${usage}`);
    const [name, inline] = arg.replace(/^--?/, '').split('=', 2);
    if (!known.includes(name) && name !== 'help') throw new Error(`Unknown option ${arg}\n${usage}`);
    if (booleans.includes(name) || name === 'help') flags.set(name, true);
    else if (inline !== undefined) flags.set(name, inline);
    else if (argv[i + 1] !== undefined) flags.set(name, argv[++i]);
    else throw new Error(`${arg} needs a value`);
  }
  if (flags.has('help')) {
    console.log(usage);
    process.exit(0);
  }
  return flags;
}
