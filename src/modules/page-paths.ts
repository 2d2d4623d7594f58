/**
 * The portal's pages that emails link to, declared once: the web routes answer at these paths and
 * the modules write their links with them (modules never import the web layer). A path's `:name`
 * segments are its parameters, filled in by `pagePath`.
 */
export const PAGES = {
  login: '/connexion',
  forgottenPassword: '/mot-de-passe-oublie',
  passwordReset: '/reinitialiser/:token',
  invitation: '/invitation/:token',
  requests: '/mes-demandes',
  bookings: '/reservations',
  planning: '/reservations/planning',
  /** The prepayment basket: days paid at booking, waiting to be paid. */
  basket: '/reservations/panier',
  lottery: '/reservations/tirage/:periodId',
  invoices: '/mes-factures',
  invoice: '/mes-factures/:invoiceId',
  payments: '/mes-paiements',
  /** Where the family comes back from an online payment, and sees its result. */
  paymentReturn: '/paiement/:attemptId',
  /** Where a provider notifies the result of an online payment, server to server. */
  paymentNotification: '/paiement/notification/:channelId',
  /** A thread of the family's messages. */
  messageThread: '/messages/:threadId',
  /** The family's documents space: what the service publishes or sends it, and what it asks for. */
  documents: '/mes-documents',
  /** The same thread in the service's inbox. */
  staffMessageThread: '/gestion/messages/:threadId',
} as const;

export type PagePath = (typeof PAGES)[keyof typeof PAGES];

/** The names of a path's `:name` segments: `'/invitation/:token'` → `'token'`. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/**
 * A page's path with its parameters filled in (each encoded); the compiler asks for exactly the
 * parameters the path names. Emails put the tenant portal's absolute address before it.
 */
export function pagePath<P extends PagePath>(page: P, ...params: [PathParams<P>] extends [never] ? [] : [Record<PathParams<P>, string>]): string {
  const values: Record<string, string> = params[0] ?? {};
  return page.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));
}
