/**
 * Freezes `value` and everything reachable from it. Already-frozen objects are skipped, which both keeps shared
 * sub-trees (resolved `$ref` targets are shared between operations) from being walked twice and makes the walk
 * terminate on cyclic graphs: an object is frozen before its children are visited.
 */
export function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== "object" || Object.isFrozen(current)) continue;
    Object.freeze(current);
    if (Array.isArray(current)) {
      for (const item of current) if (item !== null && typeof item === "object") stack.push(item);
    } else {
      for (const key in current) {
        const child = (current as Record<string, unknown>)[key];
        if (child !== null && typeof child === "object") stack.push(child);
      }
    }
  }
  return value;
}
