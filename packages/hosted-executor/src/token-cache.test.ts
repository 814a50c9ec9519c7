import { RequestAbortedError } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { type IssuedToken, TokenCache, usableLifetimeMs } from "./token-cache";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe("usableLifetimeMs", () => {
  it("keeps the reference's 14 minutes when expires_in is absent or unusable", () => {
    for (const value of [undefined, 0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(usableLifetimeMs(value)).toBe(14 * 60 * 1000);
    }
  });

  it("honours expires_in, less a tenth of it, at most 60 s", () => {
    expect(usableLifetimeMs(900)).toBe(840_000);
    expect(usableLifetimeMs(3600)).toBe(3_540_000);
    expect(usableLifetimeMs(10)).toBe(9_000);
  });
});

describe("TokenCache", () => {
  it("fetches once for any number of concurrent callers", async () => {
    let fetches = 0;
    const pending = deferred<IssuedToken>();
    const cache = new TokenCache(() => {
      fetches += 1;
      return pending.promise;
    });
    const waiting = Array.from({ length: 50 }, () => cache.get());
    pending.resolve({ accessToken: "tok-1", expiresInSeconds: 60 });
    expect(await Promise.all(waiting)).toEqual(Array(50).fill("tok-1"));
    expect(fetches).toBe(1);
  });

  it("refetches when expires_in runs out, by the clock", async () => {
    let now = 1_000_000;
    let fetches = 0;
    const cache = new TokenCache(
      async () => ({ accessToken: `tok-${++fetches}`, expiresInSeconds: 100 }),
      () => now,
    );
    expect(await cache.get()).toBe("tok-1");
    now += 89_999;
    expect(await cache.get()).toBe("tok-1");
    now += 1;
    expect(await cache.get()).toBe("tok-2");
  });

  it("uses the 14-minute fallback when expires_in is missing", async () => {
    let now = 0;
    let fetches = 0;
    const cache = new TokenCache(
      async () => ({ accessToken: `tok-${++fetches}` }),
      () => now,
    );
    await cache.get();
    now = 14 * 60 * 1000 - 1;
    expect(await cache.get()).toBe("tok-1");
    now = 14 * 60 * 1000;
    expect(await cache.get()).toBe("tok-2");
  });

  it("invalidate() drops only the token it names", async () => {
    let fetches = 0;
    const cache = new TokenCache(async () => ({ accessToken: `tok-${++fetches}`, expiresInSeconds: 600 }));
    expect(await cache.get()).toBe("tok-1");
    cache.invalidate("tok-0");
    expect(await cache.get()).toBe("tok-1");
    cache.invalidate("tok-1");
    expect(await cache.get()).toBe("tok-2");
    cache.invalidate("tok-1");
    expect(await cache.get()).toBe("tok-2");
    expect(fetches).toBe(2);
  });

  it("does not keep a failure: every waiter sees it, the next call fetches again", async () => {
    let fetches = 0;
    const cache = new TokenCache(async () => {
      fetches += 1;
      if (fetches === 1) throw new Error("boom");
      return { accessToken: "tok-2" };
    });
    const results = await Promise.allSettled([cache.get(), cache.get()]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(await cache.get()).toBe("tok-2");
    expect(fetches).toBe(2);
  });

  it("an aborted waiter gives up alone; the fetch goes on for the others", async () => {
    const pending = deferred<IssuedToken>();
    const cache = new TokenCache(() => pending.promise);
    const controller = new AbortController();
    const aborted = cache.get(controller.signal);
    const other = cache.get();
    controller.abort();
    await expect(aborted).rejects.toSatisfy((error) => RequestAbortedError.isInstance(error));
    pending.resolve({ accessToken: "tok-1" });
    expect(await other).toBe("tok-1");
  });

  it("an already aborted signal starts no fetch", async () => {
    let fetches = 0;
    const cache = new TokenCache(async () => {
      fetches += 1;
      return { accessToken: "tok" };
    });
    await expect(cache.get(AbortSignal.abort())).rejects.toSatisfy((error) =>
      RequestAbortedError.isInstance(error),
    );
    expect(fetches).toBe(0);
  });
});
