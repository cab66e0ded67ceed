/**
 * Plain-object maps for decider state (state is snapshotted as JSON, so no Map or Set). User keys
 * such as `__proto__` are valid MLflow names, so entries are only ever written through
 * `Object.fromEntries` (own data properties) and read through `Object.hasOwn`.
 */
export type KeyMap<V> = Readonly<Record<string, V>>;

export function hasKey<V>(map: KeyMap<V>, key: string): boolean {
  return Object.hasOwn(map, key);
}

export function valueOf<V>(map: KeyMap<V>, key: string): V | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

export function withEntries<V>(map: KeyMap<V>, entries: Iterable<readonly [string, V]>): KeyMap<V> {
  return Object.fromEntries([...Object.entries(map), ...entries]);
}

export function withoutKey<V>(map: KeyMap<V>, key: string): KeyMap<V> {
  return Object.fromEntries(Object.entries(map).filter(([k]) => k !== key));
}
