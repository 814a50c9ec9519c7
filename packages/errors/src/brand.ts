/**
 * Brands let `isInstance()` and `instanceof` recognise our errors even when two copies of this package are
 * installed (an ESM and a CJS copy, or two versions in one tree), where plain `instanceof` fails.
 * `Symbol.for` returns the same symbol from every copy, so a brand set by one copy is seen by all.
 */
export function brandFor(className: string): symbol {
  return Symbol.for(`execkit.error.${className}`);
}

/** Sets, as hidden properties, the brand of every class in the instance's constructor chain. */
export function applyBrands(instance: object, leaf: Function): void {
  for (let ctor: Function | null = leaf; ctor && ctor !== Error; ctor = Object.getPrototypeOf(ctor)) {
    if (Object.hasOwn(ctor, "brand")) {
      Object.defineProperty(instance, (ctor as unknown as { brand: symbol }).brand, {
        value: true,
        enumerable: false,
      });
    }
  }
}

export function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
