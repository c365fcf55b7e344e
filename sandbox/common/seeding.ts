// Seeding as both sandboxes do it: the checks on what a test asked for, and how seeded records share modified dates.
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
