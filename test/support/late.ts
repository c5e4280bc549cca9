// late(): a stand-in for an object a test's beforeAll creates, so a suite can write
// `const { h, s3 } = useS3Bucket(...)` at the top and use `h` and `s3` as if they were the real
// ones. Every property read goes to the current real object (methods bound to it).
export function late<T extends object>(what: string, current: () => T | undefined): T {
  const real = (): T => {
    const r = current();
    if (r === undefined) throw new Error(`${what} is used before its beforeAll ran (or after its afterAll)`);
    return r;
  };
  return new Proxy({} as T, {
    get(_, prop) {
      const r = real();
      const v = Reflect.get(r, prop, r);
      return typeof v === "function" ? v.bind(r) : v;
    },
    set: (_, prop, value) => Reflect.set(real(), prop, value),
    has: (_, prop) => Reflect.has(real(), prop),
  });
}
