/**
 * The environment of the Python child process: an allowlist, so API keys and tokens of the host process never
 * reach generated code. Differs from the reference: its local mode passed the whole host environment on.
 */

/** Host variables passed through as they are: locale, paths and tuning knobs that carry no credentials. */
export const INHERITED_ENV_NAMES: readonly string[] = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TMPDIR",
  "TEMP",
  "TMP",
  "SYSTEMROOT",
  "VIRTUAL_ENV",
  "CONDA_PREFIX",
  "LD_LIBRARY_PATH",
  "MPLCONFIGDIR",
  "XDG_CACHE_HOME",
  "XDG_CONFIG_HOME",
  "OMP_NUM_THREADS",
  "OPENBLAS_NUM_THREADS",
  "MKL_NUM_THREADS",
  "NUMEXPR_MAX_THREADS",
  // Python's own settings; none of them can carry a secret.
  "PYTHONPATH",
  "PYTHONHOME",
  "PYTHONNOUSERSITE",
  "PYTHONUSERBASE",
  "PYTHONDONTWRITEBYTECODE",
  "PYTHONPYCACHEPREFIX",
  "PYTHONHASHSEED",
  "PYTHONWARNINGS",
];

/** Host variable prefixes passed through (`LC_ALL`, `LC_CTYPE`, …). */
export const INHERITED_ENV_PREFIXES: readonly string[] = ["LC_"];

/** What the child always gets, whatever the host has. */
const FIXED_ENV: Readonly<Record<string, string>> = {
  // Figures are rendered to files; a GUI backend would hang or fail without a display.
  MPLBACKEND: "Agg",
  PYTHONIOENCODING: "utf-8",
  PYTHONUTF8: "1",
  PYTHONUNBUFFERED: "1",
};

/** Inputs of {@link buildChildEnvironment}. */
export interface ChildEnvironmentInput {
  /** The host environment to pick from (normally `process.env`). */
  parent: NodeJS.ProcessEnv;
  /** The mode's variables (`ExecutionModeConfig.environment`, e.g. EPICS gateway addresses). */
  modeEnvironment?: Record<string, string>;
  /** The execution mode's name, exported as `EXECKIT_EXECUTION_MODE`. */
  modeName?: string;
  /** Extra host variable names the runner was configured to pass through. */
  inherit?: readonly string[];
  /** Extra variables set by the runner's configuration. */
  extra?: Record<string, string>;
}

/**
 * Builds the child environment: allowlisted host variables, then the fixed Python settings, then the runner's and
 * the mode's variables (later ones win, except that the fixed settings cannot be undone by a mode).
 */
export function buildChildEnvironment(input: ChildEnvironmentInput): Record<string, string> {
  const names = new Set([...INHERITED_ENV_NAMES, ...(input.inherit ?? [])]);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.parent)) {
    if (value === undefined) continue;
    if (names.has(name) || INHERITED_ENV_PREFIXES.some((prefix) => name.startsWith(prefix)))
      env[name] = value;
  }
  Object.assign(env, input.extra ?? {}, input.modeEnvironment ?? {}, FIXED_ENV);
  if (input.modeName) env.EXECKIT_EXECUTION_MODE = input.modeName;
  return env;
}
