import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { systempaySignature } from '../modules/online-payment/systempay.js';
import { escapeHtml, hiddenFields, NOTIFICATION_WAYS, type NotificationWay, notificationChoice, notify, postForm, simulatorPage } from './simulator-page.js';

/**
 * Systempay / PayZen's payment page, simulated (PAYMENTS.md): it takes the signed form at
 * `vads-payment/`, refuses a bad signature as the provider does, lets a person choose the outcome
 * and how the notification (IPN) goes, signs the IPN with the shop's key, posts it to
 * `vads_url_check`, and sends the browser back to `vads_url_return` — with the result in the
 * query when the form asks for it (`vads_return_mode` GET), which the portal must not believe.
 */

export interface SystempayShops {
  /** The keys of each shop (vads_site_id) the simulator knows, per mode. */
  shops: Record<string, { test?: string; production?: string }>;
}

const OUTCOMES = {
  paid: { label: 'Paiement accepté', status: 'CAPTURED', result: '00' },
  refused: { label: 'Paiement refusé par la banque', status: 'REFUSED', result: '05' },
  abandoned: { label: 'Abandon (le payeur annule)', status: 'ABANDONED', result: '17' },
  closed: { label: 'Paiement accepté, puis l’onglet est fermé (aucun retour au portail)', status: 'CAPTURED', result: '00' },
} as const;
type Outcome = keyof typeof OUTCOMES;

const REQUIRED = [
  'vads_site_id',
  'vads_ctx_mode',
  'vads_trans_id',
  'vads_trans_date',
  'vads_amount',
  'vads_currency',
  'vads_action_mode',
  'vads_page_action',
  'vads_payment_config',
  'vads_version',
];

function keyOf(options: SystempayShops, fields: Record<string, string>): string | undefined {
  const shop = options.shops[fields.vads_site_id ?? ''];
  return fields.vads_ctx_mode === 'TEST' ? shop?.test : fields.vads_ctx_mode === 'PRODUCTION' ? shop?.production : undefined;
}

/** The IPN of a payment form and the outcome chosen, signed with the shop's key. */
export function systempayNotification(form: Record<string, string>, outcome: Outcome, key: string): Record<string, string> {
  const { signature: _, ...asked } = form;
  const chosen = OUTCOMES[outcome];
  const fields: Record<string, string> = {
    ...Object.fromEntries(Object.entries(asked).filter(([name]) => name.startsWith('vads_'))),
    vads_trans_status: chosen.status,
    vads_result: chosen.result,
    vads_trans_uuid: randomBytes(16).toString('hex'),
    vads_hash: randomBytes(32).toString('hex'),
    vads_url_check_src: 'PAY',
    vads_auth_number: chosen.result === '00' ? randomBytes(3).toString('hex') : '',
    vads_operation_type: 'DEBIT',
  };
  return { ...fields, signature: systempaySignature(fields, key) };
}

export const systempaySimulator: FastifyPluginAsync<SystempayShops> = async (app, options) => {
  app.post('/vads-payment/', { config: { csrf: false } }, async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, string>;
    const key = keyOf(options, form);
    const missing = REQUIRED.filter((name) => !form[name]);
    reply.type('text/html; charset=utf-8');
    if (missing.length > 0 || !key || form.signature !== systempaySignature(form, key)) {
      const why = missing.length > 0 ? `champs manquants : ${missing.join(', ')}` : !key ? 'boutique ou mode inconnu' : 'signature incorrecte';
      return reply.code(400).send(simulatorPage('Systempay', 'Formulaire refusé', `<p>Le formulaire de paiement est refusé : ${escapeHtml(why)}.</p>`));
    }
    const amount = (Number(form.vads_amount) / 100).toFixed(2).replace('.', ',');
    const outcomes = Object.entries(OUTCOMES)
      .map(
        ([value, outcome], index) =>
          `<div><input type="radio" id="outcome-${value}" name="outcome" value="${value}"${index === 0 ? ' checked' : ''}><label for="outcome-${value}">${escapeHtml(outcome.label)}</label></div>`,
      )
      .join('\n');
    return reply.send(
      simulatorPage(
        'Systempay',
        'Paiement par carte bancaire',
        `<dl>
<dt>Montant</dt><dd>${escapeHtml(amount)} €</dd>
<dt>Commande</dt><dd>${escapeHtml(form.vads_order_id ?? '')}</dd>
<dt>Boutique</dt><dd>${escapeHtml(form.vads_site_id ?? '')} (${escapeHtml(form.vads_ctx_mode ?? '')})</dd>
</dl>
<form method="post" action="choix">
${hiddenFields(form)}
<fieldset><legend>Résultat du paiement</legend>
${outcomes}
</fieldset>
${notificationChoice()}
<p><button type="submit">Valider</button></p>
</form>`,
      ),
    );
  });

  app.post('/vads-payment/choix', { config: { csrf: false } }, async (request, reply) => {
    const { outcome, notification, ...form } = (request.body ?? {}) as Record<string, string>;
    const key = keyOf(options, form);
    reply.type('text/html; charset=utf-8');
    if (!key || form.signature !== systempaySignature(form, key) || !(outcome! in OUTCOMES) || !(notification! in NOTIFICATION_WAYS)) {
      return reply.code(400).send(simulatorPage('Systempay', 'Choix refusé', '<p>Le choix ne correspond à aucun paiement en cours.</p>'));
    }
    const ipn = systempayNotification(form, outcome as Outcome, key);
    if (form.vads_url_check) await notify(notification as NotificationWay, () => postForm(form.vads_url_check!, ipn));
    if (outcome === 'closed') {
      return reply.send(
        simulatorPage('Systempay', 'Onglet fermé', '<p>Le payeur a fermé l’onglet : il ne revient pas au portail. Le paiement est accepté.</p>'),
      );
    }
    const back = new URL(form.vads_url_return ?? '/');
    if (form.vads_return_mode === 'GET')
      for (const name of ['vads_trans_status', 'vads_result', 'vads_order_id', 'vads_amount']) back.searchParams.set(name, ipn[name] ?? '');
    return reply.redirect(back.toString(), 303);
  });
};
