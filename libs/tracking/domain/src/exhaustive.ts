/**
 * Compile-time exhaustiveness for `switch` defaults. Unlike a throwing assertNever it does nothing
 * at run time, so `evolve` can skip an event type that newer code added.
 */
export function exhaustive(value: never): void {
  void value;
}
