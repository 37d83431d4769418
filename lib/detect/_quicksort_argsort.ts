/**
 * numpy's classic `argsort(kind="quicksort")` for float64 (introsort: median-of-three
 * partitioning, insertion sort below 17 elements, heapsort past the depth limit). It is not stable,
 * and the order it gives to ties is what the oracle's pandas `sort_values` produced (§13.6).
 * @module
 */

const SMALL_QUICKSORT = 16;

function less(a: number, b: number): boolean {
  // numpy's float less: NaNs sort to the end.
  return a < b || (b !== b && a === a);
}

function msb(n: number): number {
  let depth = 0;
  while (n > 1) {
    n = Math.floor(n / 2);
    depth++;
  }
  return depth;
}

function aheapsort(v: ArrayLike<number>, tosort: Int32Array, start: number, n: number): void {
  // 1-based heap over tosort[start .. start+n-1], as numpy's aheapsort_.
  const a = (i: number) => tosort[start + i - 1];
  const set = (i: number, val: number) => {
    tosort[start + i - 1] = val;
  };
  /** Sifts `tmp` down from slot i of the heap a(1..len). */
  const siftDown = (tmp: number, i: number, len: number) => {
    for (let j = i << 1; j <= len;) {
      if (j < len && less(v[a(j)], v[a(j + 1)])) j += 1;
      if (less(v[tmp], v[a(j)])) {
        set(i, a(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  };
  for (let l = n >> 1; l > 0; --l) siftDown(a(l), l, n);
  for (; n > 1;) {
    const tmp = a(n);
    set(n, a(1));
    n -= 1;
    siftDown(tmp, 1, n);
  }
}

/** Positions of `v` in ascending order, ties ordered as numpy's quicksort argsort orders them. */
export function quicksortArgsort(v: ArrayLike<number>): Int32Array {
  const num = v.length;
  const tosort = new Int32Array(num);
  for (let i = 0; i < num; i++) tosort[i] = i;
  if (num < 2) return tosort;
  let pl = 0;
  let pr = num - 1;
  const stack: number[] = [];
  const depthStack: number[] = [];
  let cdepth = msb(num) * 2;
  const swap = (x: number, y: number) => {
    const t = tosort[x];
    tosort[x] = tosort[y];
    tosort[y] = t;
  };
  for (;;) {
    let heapSorted = false;
    if (cdepth < 0) {
      aheapsort(v, tosort, pl, pr - pl + 1);
      heapSorted = true;
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(v[tosort[pm]], v[tosort[pl]])) swap(pm, pl);
        if (less(v[tosort[pr]], v[tosort[pm]])) swap(pr, pm);
        if (less(v[tosort[pm]], v[tosort[pl]])) swap(pm, pl);
        const vp = v[tosort[pm]];
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi; while (less(v[tosort[pi]], vp));
          do --pj; while (less(vp, v[tosort[pj]]));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        const pk = pr - 1;
        swap(pi, pk);
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depthStack.push(--cdepth);
      }
    }
    if (!heapSorted) {
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = tosort[pi];
        const vp = v[vi];
        let pj = pi;
        let pk = pi - 1;
        while (pj > pl && less(vp, v[tosort[pk]])) tosort[pj--] = tosort[pk--];
        tosort[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop() as number;
    pl = stack.pop() as number;
    cdepth = depthStack.pop() as number;
  }
  return tosort;
}
