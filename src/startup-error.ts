/**
 * A reason the portal cannot start that the operator fixes: a wrong setting, a data folder in use,
 * a database out of reach. `main.ts` prints its message alone and exits 1: a stack trace would only
 * hide the sentence that says what to do.
 */
export class StartupError extends Error {}
