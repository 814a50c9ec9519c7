/**
 * The contract between the static analyzer and the workflow. The analyzer parses Python with Python's own
 * `ast` (in a long-lived helper process) and reports what the code would do; the policy in the workflow decides
 * what that means (approval, block, regenerate).
 */

/** How dangerous a finding is. `high` requires approval by default (`onHighRisk: "approve"`). */
export type FindingSeverity = "low" | "medium" | "high";

/** What a finding is about. */
export type FindingCategory =
  | "process" // subprocess, os.system, os.exec*, os.spawn*, pty, os.fork …
  | "dynamic_code" // eval, exec, compile, __import__, importlib
  | "filesystem_write" // open(..., "w"), writes or deletes outside the execution folder, shutil.rmtree, os.remove
  | "network" // socket, raw network access
  | "native_code" // ctypes, cffi
  | "deserialization" // pickle.loads, marshal.loads, …
  | "control_system_read" // EPICS caget, PV.get, p4p/caproto/pvaccess/Tango reads
  | "control_system_write" // EPICS caput, caput_many, PV.put, p4p/caproto/pvaccess/Tango writes
  | "other";

/** One thing the analyzer found, with where it is. */
export interface AnalysisFinding {
  /** Stable rule id, e.g. `process.subprocess`, `dynamic.eval`, `epics.caput`. */
  rule: string;
  category: FindingCategory;
  severity: FindingSeverity;
  /** 1-based line and 0-based column (in characters) of the node. */
  line: number;
  column: number;
  /** A sentence for the approver: what the code does here. */
  message: string;
  /** The resolved dotted name that triggered the rule, e.g. `subprocess.run` for `r()` after `from subprocess import run as r`. */
  symbol?: string;
}

/** A syntax error, as Python reports it. */
export interface SyntaxIssue {
  /** 1-based line. */
  line: number;
  /** 0-based column (Python's 1-based `offset` minus one), like {@link AnalysisFinding.column}. */
  column: number;
  message: string;
  /** Where the offending span ends, when Python says (3.10 and later). */
  endLine?: number;
  endColumn?: number;
  /** The offending source line, at most 500 characters. */
  text?: string;
}

/** Everything the analyzer reports about one snippet. */
export interface AnalysisReport {
  /** False when the code does not parse; then `syntaxErrors` is non-empty and `findings` is empty. */
  syntaxValid: boolean;
  syntaxErrors: SyntaxIssue[];
  findings: AnalysisFinding[];
  /** Top-level modules imported (`os`, `numpy`, …). */
  imports: string[];
  /** True when the code assigns the name `results` somewhere (the results contract). */
  assignsResults: boolean;
  hasControlSystemWrites: boolean;
  hasControlSystemReads: boolean;
  /** True when any finding has severity `high`. */
  hasHighRisk: boolean;
}

/**
 * Extra control-system calls to detect, beyond the built-in EPICS/p4p/caproto/pvaccess/Tango ones. Three forms:
 *
 * - `mylib.write_pv`: a call of that name after alias resolution (`from mylib import write_pv as w; w(…)` matches);
 * - `mylib.Device.set` (or `mylib.Device().set`): the method `set` of objects created by calling `mylib.Device(…)`,
 *   tracked through variables, `with … as`, lists and `self.` attributes;
 * - `.write_channel`: any call of a method with that name, whatever the object (use distinctive names only).
 *
 * `*` and `?` match any characters (`mylib.read_*`).
 */
export interface ControlSystemPatterns {
  /** Dotted names (after alias resolution) or bare method names that read, e.g. `mylib.read_pv` or `.read`. */
  reads?: string[];
  /** Dotted names or bare method names that write. */
  writes?: string[];
}

/** Analyzes Python snippets. One instance keeps one helper process alive; `close()` ends it. */
export interface CodeAnalyzer {
  analyze(code: string, options?: { signal?: AbortSignal }): Promise<AnalysisReport>;
  close(): Promise<void>;
}
