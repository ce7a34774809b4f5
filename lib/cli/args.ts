/**
 * A small command-line parser: `--name value`, `--name=value` and boolean `--flag`. Every option is declared
 * with its kind, default and help text; an unknown option, a missing value or a malformed number is an
 * error that names the option.
 */
import { ValueError } from '../kernels/tensor';

export type OptionKind = 'string' | 'int' | 'number' | 'flag';

export interface OptionSpec {
  kind: OptionKind;
  help: string;
  default?: string | number | boolean | null;
  choices?: readonly string[];
  min?: number; // inclusive lower bound for numbers
  positive?: boolean; // numbers must be > 0
}

export type Parsed = Record<string, string | number | boolean | null> & { _given: Set<string>; _positional: string[] };

/** Parses `argv`; arguments that are not options are an error unless `positional` allows them (kept in _positional). */
export function parseArgs(argv: string[], specs: Record<string, OptionSpec>, command: string, positional = false): Parsed {
  const out = { _given: new Set<string>(), _positional: [] as string[] } as Parsed;
  for (const [name, spec] of Object.entries(specs)) out[name] = spec.default ?? (spec.kind === 'flag' ? false : null);
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (!arg.startsWith('--') && positional) {
      out._positional.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw new ValueError(`${command}: unexpected argument ${JSON.stringify(arg)}; options start with --`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = specs[name];
    if (!spec) throw new ValueError(`${command}: unknown option --${name}; see \`unrolled ${command} --help\``);
    let raw: string;
    if (spec.kind === 'flag') {
      if (eq >= 0) throw new ValueError(`${command} --${name}: is a flag and takes no value`);
      out[name] = true;
      out._given.add(name);
      continue;
    }
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      if (k + 1 >= argv.length) throw new ValueError(`${command} --${name}: expected a value`);
      raw = argv[++k];
    }
    out[name] = convert(raw, spec, `${command} --${name}`);
    out._given.add(name);
  }
  return out;
}

function convert(raw: string, spec: OptionSpec, what: string): string | number {
  if (spec.kind === 'string') {
    if (spec.choices && !spec.choices.includes(raw)) throw new ValueError(`${what}: expected one of ${spec.choices.join(', ')}, got ${JSON.stringify(raw)}`);
    return raw;
  }
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new ValueError(`${what}: expected a number, got ${JSON.stringify(raw)}`);
  if (spec.kind === 'int' && !Number.isInteger(v)) throw new ValueError(`${what}: expected an integer, got ${raw}`);
  if (spec.positive && !(v > 0)) throw new ValueError(`${what}: expected a number > 0, got ${raw}`);
  if (spec.min !== undefined && v < spec.min) throw new ValueError(`${what}: expected a number >= ${spec.min}, got ${raw}`);
  return v;
}

/** The option table of a command, for --help. */
export function formatOptions(specs: Record<string, OptionSpec>): string {
  return Object.entries(specs)
    .map(([name, s]) => {
      const value = s.kind === 'flag' ? '' : s.choices ? ` ${s.choices.join('|')}` : s.kind === 'string' ? ' TEXT' : ' N';
      const def = s.default !== undefined && s.default !== null && s.kind !== 'flag' ? ` (default ${s.default})` : '';
      return `  --${(name + value).padEnd(34)} ${s.help}${def}`;
    })
    .join('\n');
}
