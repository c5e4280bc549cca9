// K-way merge of sorted async streams by key: yields, for each distinct key in ascending
// UTF-8 order, the items of every stream that has it. A stream that fails is dropped (its
// error handed to `onError`), so one bad drive cannot stop a listing.
import { compareKeys } from "../util/index.ts";

export interface Keyed {
  name: string;
}

export interface MergedGroup<T extends Keyed> {
  name: string;
  /** Items with this name, with the index of the stream each came from. */
  items: { source: number; item: T }[];
}

export async function* mergeSorted<T extends Keyed>(
  streams: AsyncIterable<T>[],
  onError?: (source: number, err: unknown) => void,
): AsyncGenerator<MergedGroup<T>> {
  const iters = streams.map((s) => s[Symbol.asyncIterator]());
  const heads: (T | null)[] = new Array(iters.length).fill(null);
  const live = new Set<number>();
  const advance = async (i: number) => {
    try {
      const r = await iters[i].next();
      if (r.done) {
        heads[i] = null;
        live.delete(i);
      } else heads[i] = r.value;
    } catch (err) {
      heads[i] = null;
      live.delete(i);
      onError?.(i, err);
    }
  };
  iters.forEach((_, i) => live.add(i));
  try {
    await Promise.all(iters.map((_, i) => advance(i)));
    while (live.size > 0) {
      let min: string | null = null;
      for (const i of live) {
        const h = heads[i]!;
        if (min === null || compareKeys(h.name, min) < 0) min = h.name;
      }
      const hit = [...live].filter((i) => heads[i]!.name === min);
      const group: MergedGroup<T> = { name: min!, items: hit.map((i) => ({ source: i, item: heads[i]! })) };
      await Promise.all(hit.map((i) => advance(i)));
      yield group;
    }
  } finally {
    await Promise.all(iters.map((it) => it.return?.().catch(() => {})));
  }
}
