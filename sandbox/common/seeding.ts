// Seeding as every sandbox does it: the checks on what a test asked for, and how seeded records share modified dates.
import { controlError } from './errors';
import type { Random } from './random';

/** `seed()` is also called from code, where the control API's schema has not checked the arguments. */
export function checkSeedArguments(count: number, tieGroupSize: number | undefined): void {
  if (!Number.isInteger(count) || count < 0) throw controlError(400, 'count must be a non-negative integer', [{ field: 'count', message: 'non-negative integer' }]);
  if (tieGroupSize !== undefined && (!Number.isInteger(tieGroupSize) || tieGroupSize < 1)) {
    throw controlError(400, 'tieGroupSize must be a positive integer', [{ field: 'tieGroupSize', message: 'positive integer' }]);
  }
}

/** Sizes of the groups that share one modified date: mostly small, now and then a bulk load or import of hundreds. */
export function tieGroupSizes(random: Random, count: number, fixed: number | undefined): number[] {
  const sizes: number[] = [];
  let left = count;
  while (left > 0) {
    let size: number;
    if (fixed !== undefined) size = fixed;
    else {
      const roll = random.next();
      size = roll < 0.6 ? random.int(1, 3) : roll < 0.92 ? random.int(4, 60) : random.int(61, 600);
    }
    size = Math.min(size, left);
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

/**
 * One modified date per tie group, ascending within [start, end] (in ms or whole seconds, as the provider stamps),
 * each group strictly after the last. Yielded group by group, so a caller may draw each group's records in between
 * and the random stream stays as it was.
 */
export function* tieGroups(random: Random, count: number, start: number, end: number, fixedSize: number | undefined): Generator<{ stamp: number; size: number }> {
  const sizes = tieGroupSizes(random, count, fixedSize);
  const span = Math.max(end - start, sizes.length);
  let previous = start - 1;
  for (let group = 0; group < sizes.length; group++) {
    const planned = start + Math.floor(((group + random.next() * 0.8) * span) / sizes.length);
    const stamp = Math.max(planned, previous + 1);
    previous = stamp;
    yield { stamp, size: sizes[group] };
  }
}

/** Each of `count` records' modified date, in order, from `tieGroups`. */
export function tieGroupStamps(random: Random, count: number, start: number, end: number, fixedSize: number | undefined): number[] {
  const stamps: number[] = [];
  for (const { stamp, size } of tieGroups(random, count, start, end, fixedSize)) for (let i = 0; i < size; i++) stamps.push(stamp);
  return stamps;
}

/**
 * The stamps of a change made now to `count` records at once (an import, a mass update): from `base` on, each
 * `tieGroupSize` of them share one stamp, one unit (ms or second) after the last; without a size, all share one.
 */
export function bulkStamps(base: number, count: number, tieGroupSize: number | undefined): number[] {
  const groupSize = tieGroupSize ?? Math.max(1, count);
  const stamps: number[] = [];
  for (let index = 0; index < count; index++) stamps.push(base + Math.floor(index / groupSize));
  return stamps;
}
