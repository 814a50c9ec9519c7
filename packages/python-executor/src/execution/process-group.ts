import type { ChildProcess } from "node:child_process";

/**
 * Sends `signal` to the child's whole process group (the child was spawned with `detached: true`, so its pid is
 * the group id). Returns false when the group no longer exists.
 */
export function signalProcessGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  const pid = child.pid;
  if (pid === undefined) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    // EPERM and the like: fall back to the child alone, which is better than leaving it running.
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
    return true;
  }
}

/** True when some process of the group still exists (zombies included). */
export function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const liveGroups = new Set<number>();
let exitHookInstalled = false;

/**
 * Remembers a running process group so that it is killed if this Node.js process exits first: a detached child
 * would otherwise outlive its parent. Call {@link untrackProcessGroup} once the group is gone.
 */
export function trackProcessGroup(pgid: number): void {
  liveGroups.add(pgid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const group of liveGroups) {
      try {
        process.kill(-group, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
}

/** Forgets a process group recorded with {@link trackProcessGroup}. */
export function untrackProcessGroup(pgid: number): void {
  liveGroups.delete(pgid);
}
