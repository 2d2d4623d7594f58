/**
 * A table of allowed moves between the states of a record (a booking, a request): each state and
 * the states it may go to. Every module writes its own table once, beside its states, and moves a
 * record only by an update guarded with `sourcesOf` — so that of two people deciding at the same
 * moment, one moves it and the other is told it was already decided.
 */
export type Transitions<S extends string> = { readonly [From in S]: readonly S[] };

export function canMove<S extends string>(table: Transitions<S>, from: S, to: S): boolean {
  return table[from].includes(to);
}

/** The states from which `to` may be reached: the guard of the update that moves a record there. */
export function sourcesOf<S extends string>(table: Transitions<S>, to: S): S[] {
  return (Object.keys(table) as S[]).filter((from) => table[from].includes(to));
}
