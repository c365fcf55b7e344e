// Filters read from the address bar: a hand-edited URL cannot ask the API for what no control of the page offers.

/** `value` if it is one of `choices`, else '' (no choice made). */
export function oneOf<T extends string>(choices: readonly T[], value: string | undefined): T | '' {
  return choices.find((choice) => choice === value) ?? '';
}
