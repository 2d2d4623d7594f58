import type { FastifyPluginAsync } from 'fastify';
import { outcomeChoice, paymentSummary, type TreasuryOutcome, treasuryRefusal, treasuryResultFields } from './payfip-simulator.js';
import { escapeHtml, hiddenFields, NOTIFICATION_WAYS, type NotificationWay, notificationChoice, notify, postForm, simulatorPage } from './simulator-page.js';

/**
 * TIPI, simulated (PAYMENTS.md): the payment page at `tpa/paiement.web?numcli=…&urlcl=…` refuses a
 * malformed payment as the Treasury does, lets a person choose the outcome and how the notification
 * goes, then posts the result to `urlcl` server to server — keys in upper case — and sends the
 * browser to `urlcl` with the same fields in the query — keys in lower case — since the browser's
 * return is the only other post TIPI makes and a page may not post itself here (no script under the
 * portal's Content-Security-Policy). Nothing is kept: the page carries the payment in its form.
 */

const ASKED = ['numcli', 'exer', 'refdet', 'objet', 'montant', 'mel', 'urlcl', 'saisie'];
const TIPI_OUTCOMES: TreasuryOutcome[] = ['card', 'refused', 'abandoned', 'closed'];

/** The payment's fields as asked, whatever else came with them. */
function askedOf(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(ASKED.map((name) => [name, fields[name] ?? '']));
}

export const tipiSimulator: FastifyPluginAsync = async (app) => {
  app.get('/tpa/paiement.web', async (request, reply) => {
    const asked = askedOf(request.query as Record<string, string | undefined>);
    const refusal = treasuryRefusal(asked, ['urlcl']);
    reply.type('text/html; charset=utf-8');
    if (refusal) {
      return reply.code(400).send(simulatorPage('TIPI', 'Paiement refusé', `<p>Erreur ${escapeHtml(refusal.code)} : ${escapeHtml(refusal.libelle)}.</p>`));
    }
    return reply.send(
      simulatorPage(
        'TIPI',
        'Payer en ligne',
        `${paymentSummary(asked)}
<form method="post" action="paiement.web">
${hiddenFields(asked)}
${outcomeChoice(TIPI_OUTCOMES)}
${notificationChoice()}
<p><button type="submit">Valider</button></p>
</form>`,
      ),
    );
  });

  app.post('/tpa/paiement.web', { config: { csrf: false } }, async (request, reply) => {
    const { outcome = '', notification = '', ...fields } = (request.body ?? {}) as Record<string, string | undefined>;
    const asked = askedOf(fields);
    reply.type('text/html; charset=utf-8');
    if (treasuryRefusal(asked, ['urlcl']) || !TIPI_OUTCOMES.includes(outcome as TreasuryOutcome) || !(notification in NOTIFICATION_WAYS)) {
      return reply.code(400).send(simulatorPage('TIPI', 'Choix refusé', '<p>Le choix ne correspond à aucun paiement en cours.</p>'));
    }
    const { urlcl, ...echoed } = asked;
    const result = { ...echoed, ...treasuryResultFields(outcome as TreasuryOutcome) };
    const shouted = Object.fromEntries(Object.entries(result).map(([name, value]) => [name.toUpperCase(), value]));
    await notify(notification as NotificationWay, () => postForm(urlcl!, shouted));
    if (outcome === 'closed') {
      return reply.send(simulatorPage('TIPI', 'Onglet fermé', '<p>Le payeur a fermé l’onglet : il ne revient pas au portail. Le paiement est accepté.</p>'));
    }
    const back = new URL(urlcl!);
    for (const [name, value] of Object.entries(result)) back.searchParams.set(name, value);
    return reply.redirect(back.toString(), 303);
  });
};
