import { readdir, readFile } from "node:fs/promises";

/** One live process, as Linux's /proc describes it. */
export interface ProcessEntry {
  pid: number;
  /** Parent process id. */
  ppid: number;
  /** Process group id. */
  pgid: number;
  /** The argument vector, joined by spaces. */
  args: string;
}

/**
 * The live (non-zombie) processes of this machine, read from /proc; empty where there is no /proc.
 *
 * Used by the Jupyter test server to find its kernels and by tests that prove no process is left behind.
 * It reads /proc rather than running `ps`, whose output width and presence vary between machines.
 */
export async function listProcesses(): Promise<ProcessEntry[]> {
  let names: string[];
  try {
    names = await readdir("/proc");
  } catch {
    return [];
  }
  const entries = await Promise.all(names.filter((name) => /^\d+$/.test(name)).map(readProcess));
  return entries.filter((entry): entry is ProcessEntry => entry !== undefined);
}

async function readProcess(name: string): Promise<ProcessEntry | undefined> {
  try {
    const stat = await readFile(`/proc/${name}/stat`, "utf8");
    // The command name may hold spaces and parentheses; the fields after the last ")" are fixed.
    const [state, ppid, pgid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (state === "Z" || state === "X") return undefined;
    const cmdline = await readFile(`/proc/${name}/cmdline`, "utf8");
    return {
      pid: Number(name),
      ppid: Number(ppid),
      pgid: Number(pgid),
      args: cmdline.split("\0").join(" ").trim(),
    };
  } catch {
    // The process ended while we looked.
    return undefined;
  }
}

/** Live direct children of `pid`. */
export async function childProcesses(pid: number): Promise<ProcessEntry[]> {
  return (await listProcesses()).filter((entry) => entry.ppid === pid);
}
