/**
 * Appends `values` to the list `map` holds for `key`, starting one where there is none. The
 * list is grown in place: building an index with `map.set(k, [...(map.get(k) ?? []), v])`
 * copies the list at every append, which is quadratic where many values share a key (every
 * `build.sh` of a monorepo under one name, every setup's folder under the root), and on the
 * bench's ten-times tree cost seconds. A list handed out by `map.get` before an append sees it.
 */
export function addTo<K, V>(map: Map<K, V[]>, key: K, ...values: V[]): void {
  const list = map.get(key);
  if (list) list.push(...values);
  else map.set(key, values);
}
