import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { PAYFIP_NAMESPACE, soapBody, textFields, xmlChild, xmlElements } from '../modules/online-payment/payfip.js';
import { escapeHtml, NOTIFICATION_WAYS, type NotificationWay, notificationChoice, notify, postForm, simulatorPage } from './simulator-page.js';

/**
 * PayFiP, simulated (PAYMENTS.md): its SOAP web service at `tpa/services/securite` and its payment
 * page at `tpa/paiementws.web?idop=`. A person chooses the outcome and how the notification goes;
 * the simulator keeps the result, posts `idOp` to `urlnotif` and sends the browser to
 * `urlredirect?idop=` (both keys seen in the wild, so one of each), and its lookup answers P5 until
 * the choice is made, P1 for an idOp it never gave. `POST controle` makes the next SOAP calls fail
 * (a SOAP fault, HTTP 502, or no answer), for the tests and for a person in the demo.
 */

/**
 * What the Treasury checks of a payment asked, in its order, with the fault code it answers. R3 and
 * A2 are PayFiP's own codes (PAYMENTS.md); the others are the simulator's, none being published.
 */
const TREASURY_CHECKS: { field: string; code: string; libelle: string; valid: (value: string) => boolean }[] = [
  { field: 'numcli', code: 'N1', libelle: 'Numéro de client incorrect', valid: (value) => /^\d{6}$/.test(value) },
  { field: 'exer', code: 'E1', libelle: 'Exercice incorrect', valid: (value) => /^\d{4}$/.test(value) },
  { field: 'refdet', code: 'R3', libelle: 'Le format du paramètre REFDET n’est pas conforme', valid: (value) => /^[A-Za-z0-9]{6,30}$/.test(value) },
  { field: 'objet', code: 'O1', libelle: 'Objet incorrect', valid: (value) => /^[A-Za-z0-9 ]{0,100}$/.test(value) },
  {
    field: 'montant',
    code: 'M1',
    libelle: 'Montant incorrect (de 1 € à 100 000 €)',
    valid: (value) => /^\d{1,8}$/.test(value) && Number(value) >= 100 && Number(value) <= 10_000_000,
  },
  {
    field: 'mel',
    code: 'A2',
    libelle: 'Adresse électronique incorrecte',
    valid: (value) => value.length >= 6 && value.length <= 80 && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value),
  },
  { field: 'saisie', code: 'S1', libelle: 'Type de saisie incorrect', valid: (value) => ['T', 'X', 'W'].includes(value) },
];

function isWebAddress(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}

/** The Treasury's refusal of a payment asked (PayFiP or TIPI, whose addresses are named), or null when it is well formed. */
export function treasuryRefusal(fields: Record<string, string | undefined>, addresses: string[]): { code: string; libelle: string } | null {
  const failed = TREASURY_CHECKS.find((check) => !check.valid(fields[check.field] ?? ''));
  if (failed) return failed;
  const address = addresses.find((name) => !isWebAddress(fields[name] ?? ''));
  return address ? { code: 'U1', libelle: `Adresse ${address} incorrecte` } : null;
}

/** The outcomes a person may choose, with the `resultrans` the Treasury gives each. */
export const TREASURY_OUTCOMES = {
  card: { label: 'Payé par carte bancaire', resultrans: 'P' },
  debit: { label: 'Payé par prélèvement', resultrans: 'V' },
  refused: { label: 'Carte refusée par la banque', resultrans: 'R' },
  debitRefused: { label: 'Prélèvement refusé', resultrans: 'Z' },
  abandoned: { label: 'Abandon (le payeur annule)', resultrans: 'A' },
  closed: { label: 'Payé par carte, puis l’onglet est fermé (aucun retour au portail)', resultrans: 'P' },
} as const;
export type TreasuryOutcome = keyof typeof TREASURY_OUTCOMES;

/** The radio buttons choosing among `outcomes`, the first checked. */
export function outcomeChoice(outcomes: readonly TreasuryOutcome[]): string {
  const options = outcomes
    .map(
      (value, index) =>
        `<div><input type="radio" id="outcome-${value}" name="outcome" value="${value}"${index === 0 ? ' checked' : ''}><label for="outcome-${value}">${escapeHtml(TREASURY_OUTCOMES[value].label)}</label></div>`,
    )
    .join('\n');
  return `<fieldset><legend>Résultat du paiement</legend>\n${options}\n</fieldset>`;
}

/** The fields the Treasury adds to a payment once its outcome is known: date and time in Paris, authorisation when paid. */
export function treasuryResultFields(outcome: TreasuryOutcome, at = new Date()): Record<string, string> {
  const part = Object.fromEntries(
    new Intl.DateTimeFormat('fr-FR', {
      timeZone: 'Europe/Paris',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((piece) => [piece.type, piece.value]),
  );
  const resultrans = TREASURY_OUTCOMES[outcome].resultrans;
  return {
    resultrans,
    numauto: ['P', 'V'].includes(resultrans) ? randomBytes(3).toString('hex').toUpperCase() : '',
    dattrans: `${part.day}${part.month}${part.year}`,
    heurtrans: `${part.hour}${part.minute}`,
  };
}

/** The payment page's summary of what is paid, to whom. */
export function paymentSummary(fields: Record<string, string | undefined>): string {
  const amount = (Number(fields.montant) / 100).toFixed(2).replace('.', ',');
  const mode = fields.saisie === 'W' ? 'production' : fields.saisie === 'X' ? 'activation' : 'test';
  return `<dl>
<dt>Montant</dt><dd>${escapeHtml(amount)} €</dd>
<dt>Référence</dt><dd>${escapeHtml(fields.refdet ?? '')}</dd>
<dt>Objet</dt><dd>${escapeHtml(fields.objet ?? '')}</dd>
<dt>Collectivité (numéro de client)</dt><dd>${escapeHtml(fields.numcli ?? '')} (${mode})</dd>
</dl>`;
}

const PAYFIP_OUTCOMES: TreasuryOutcome[] = ['card', 'debit', 'refused', 'debitRefused', 'abandoned', 'closed'];

/** The failures `controle` can make the next SOAP calls answer. */
const FAILURES = {
  aucune: 'Aucune : le service répond',
  faute: 'Faute SOAP (service indisponible)',
  http502: 'Erreur HTTP 502',
  attente: 'Aucune réponse (le portail attend jusqu’à expiration)',
} as const;
type Failure = keyof typeof FAILURES;

/** An operation created by `creerPaiementSecurise`, and its result once a person has chosen. */
interface Operation {
  asked: Record<string, string>;
  result?: Record<string, string>;
}

const SOAP_ENVELOPE = 'http://schemas.xmlsoap.org/soap/envelope/';

function soap(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="${SOAP_ENVELOPE}"><S:Body>${body}</S:Body></S:Envelope>`;
}

/** A SOAP fault as PayFiP's JAX-WS service writes it: HTTP 500, the error's class in faultstring, its fields in detail. */
function sendFault(reply: FastifyReply, kind: string, error: Record<string, string>) {
  return reply
    .code(500)
    .type('text/xml; charset=utf-8')
    .send(
      soap(
        `<S:Fault><faultcode>S:Server</faultcode><faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.${kind}</faultstring><detail><ns2:${kind} xmlns:ns2="${PAYFIP_NAMESPACE}">${xmlElements({ ...error, severite: '2' })}</ns2:${kind}></detail></S:Fault>`,
      ),
    );
}

function sendReturn(reply: FastifyReply, operation: string, fields: Record<string, string>) {
  return reply
    .type('text/xml; charset=utf-8')
    .send(soap(`<ns2:${operation}Response xmlns:ns2="${PAYFIP_NAMESPACE}"><return>${xmlElements(fields)}</return></ns2:${operation}Response>`));
}

/** The operation called and its `arg0` fields, or null when the body is no SOAP call. */
function readCall(body: unknown): { operation: string; arg0: Record<string, string> } | null {
  const calls = typeof body === 'string' ? soapBody(body) : undefined;
  const operation = calls && Object.keys(calls)[0];
  const arg0 = operation ? xmlChild(calls[operation], 'arg0') : undefined;
  return operation && arg0 ? { operation, arg0: textFields(arg0) } : null;
}

export const payfipSimulator: FastifyPluginAsync = async (app) => {
  const operations = new Map<string, Operation>();
  const failing = { failure: 'aucune' as Failure, calls: 0 };

  app.addContentTypeParser(['text/xml', 'application/soap+xml', 'application/xml'], { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post('/tpa/services/securite', { config: { csrf: false } }, async (request, reply) => {
    if (failing.calls > 0) {
      failing.calls -= 1;
      if (failing.failure === 'http502') return reply.code(502).type('text/html; charset=utf-8').send('<html><body><h1>502 Bad Gateway</h1></body></html>');
      if (failing.failure === 'faute')
        return sendFault(reply, 'TechIndisponibiliteErreur', { descriptif: 'Service momentanément indisponible', libelle: 'Service indisponible' });
      // No answer until the caller gives up (or a minute has passed).
      await new Promise<void>((resolve) => {
        setTimeout(resolve, 60_000).unref();
        reply.raw.once('close', () => resolve());
      });
      return reply.code(504).send();
    }
    const call = readCall(request.body);
    if (call?.operation === 'creerPaiementSecurise') {
      const refusal = treasuryRefusal(call.arg0, ['urlnotif', 'urlredirect']);
      if (refusal) return sendFault(reply, 'FonctionnelleErreur', { code: refusal.code, descriptif: refusal.libelle, libelle: refusal.libelle });
      const idOp = randomUUID();
      operations.set(idOp, { asked: call.arg0 });
      return sendReturn(reply, call.operation, { idOp });
    }
    if (call?.operation === 'recupererDetailPaiementSecurise') {
      const idOp = call.arg0.idOp ?? '';
      const operation = operations.get(idOp);
      if (!operation) return sendFault(reply, 'FonctionnelleErreur', { code: 'P1', descriptif: 'IdOp incorrect', libelle: 'IdOp incorrect' });
      if (!operation.result)
        return sendFault(reply, 'FonctionnelleErreur', { code: 'P5', descriptif: 'Résultat de la transaction non connu', libelle: 'Résultat non connu' });
      const { urlnotif: _, urlredirect: __, ...asked } = operation.asked;
      return sendReturn(reply, call.operation, { ...asked, ...operation.result, idOp });
    }
    return sendFault(reply, 'TechProtocolaireErreur', { descriptif: 'Appel SOAP illisible', libelle: 'Erreur de protocole' });
  });

  app.get('/tpa/paiementws.web', async (request, reply) => {
    const idOp = (request.query as Record<string, string | undefined>).idop ?? '';
    const operation = operations.get(idOp);
    reply.type('text/html; charset=utf-8');
    if (!operation) return reply.code(404).send(simulatorPage('PayFiP', 'Opération inconnue', '<p>Cette opération de paiement est inconnue ou a expiré.</p>'));
    if (operation.result) return reply.code(409).send(simulatorPage('PayFiP', 'Paiement terminé', '<p>Cette opération de paiement est déjà terminée.</p>'));
    return reply.send(
      simulatorPage(
        'PayFiP',
        'Payer en ligne',
        `${paymentSummary(operation.asked)}
<form method="post" action="paiementws.web">
<input type="hidden" name="idop" value="${escapeHtml(idOp)}">
${outcomeChoice(PAYFIP_OUTCOMES)}
${notificationChoice()}
<p><button type="submit">Valider</button></p>
</form>`,
      ),
    );
  });

  app.post('/tpa/paiementws.web', { config: { csrf: false } }, async (request, reply) => {
    const { idop = '', outcome = '', notification = '' } = (request.body ?? {}) as Record<string, string | undefined>;
    const operation = operations.get(idop);
    reply.type('text/html; charset=utf-8');
    if (!operation || operation.result || !PAYFIP_OUTCOMES.includes(outcome as TreasuryOutcome) || !(notification in NOTIFICATION_WAYS)) {
      return reply.code(400).send(simulatorPage('PayFiP', 'Choix refusé', '<p>Le choix ne correspond à aucun paiement en cours.</p>'));
    }
    // Kept before notifying: the portal's lookup, prompted by the notification, must find it.
    operation.result = treasuryResultFields(outcome as TreasuryOutcome);
    const { urlnotif = '', urlredirect = '' } = operation.asked;
    await notify(notification as NotificationWay, () => postForm(urlnotif, { idOp: idop }));
    if (outcome === 'closed') {
      return reply.send(simulatorPage('PayFiP', 'Onglet fermé', '<p>Le payeur a fermé l’onglet : il ne revient pas au portail. Le paiement est accepté.</p>'));
    }
    const back = new URL(urlredirect);
    back.searchParams.set('idop', idop);
    return reply.redirect(back.toString(), 303);
  });

  app.get('/controle', async (_request, reply) => {
    const options = Object.entries(FAILURES)
      .map(([value, label]) => `<option value="${value}"${value === failing.failure ? ' selected' : ''}>${escapeHtml(label)}</option>`)
      .join('\n');
    const state = failing.calls > 0 ? `${FAILURES[failing.failure]}, pour les ${failing.calls} prochains appels` : 'le service répond normalement';
    return reply.type('text/html; charset=utf-8').send(
      simulatorPage(
        'PayFiP',
        'Pannes du service',
        `<p>État : ${escapeHtml(state)}.</p>
<form method="post" action="controle">
<p><label for="panne">Panne des prochains appels SOAP</label>
<select id="panne" name="panne">
${options}
</select></p>
<p><label for="appels">Nombre d’appels concernés</label>
<input type="number" id="appels" name="appels" min="1" max="100" value="1"></p>
<p><button type="submit">Appliquer</button></p>
</form>`,
      ),
    );
  });

  app.post('/controle', { config: { csrf: false } }, async (request, reply) => {
    const { panne = '', appels = '1' } = (request.body ?? {}) as Record<string, string | undefined>;
    const calls = Number(appels);
    if (!(panne in FAILURES) || !Number.isInteger(calls) || calls < 1 || calls > 100) {
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(simulatorPage('PayFiP', 'Panne refusée', '<p>Choisissez une panne et un nombre d’appels de 1 à 100.</p>'));
    }
    failing.failure = panne as Failure;
    failing.calls = panne === 'aucune' ? 0 : calls;
    return reply.redirect('controle', 303);
  });
};
