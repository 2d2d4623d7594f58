import type { ChannelMode } from './online-payment.tables.js';
import { PAYFIP_ENDPOINT, payfipObjet, treasuryResult } from './payfip.js';
import type { ProviderAdapter } from './providers.js';

/**
 * TIPI, the Treasury's older URL protocol (PAYMENTS.md), served by PayFiP's host: the browser is
 * sent with the payment in the query, and the result is posted to `urlcl` with the fields echoed,
 * keys in any case. Nothing is signed and there is no lookup: a result is believed only as far as
 * settling goes, which takes it once, for a pending reference we issued with the same amount and
 * client number.
 */

export const TIPI_ENDPOINT = PAYFIP_ENDPOINT;
/** `saisie` sent for each mode; sources differ on production's ('W' is PayFiP's), hence one place to change it. */
export const TIPI_SAISIE: Record<ChannelMode, string> = { test: 'T', production: 'W' };

/** The fields with their keys in lower case, TIPI's case varying. */
function lowerKeys(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name.toLowerCase(), value]));
}

export const tipi: ProviderAdapter = {
  verifiable: false,
  async depart(channel, attempt) {
    const query = new URLSearchParams({
      numcli: channel.merchantId,
      exer: String(attempt.year),
      refdet: attempt.reference,
      objet: payfipObjet(attempt.label),
      montant: String(attempt.amountCents),
      mel: attempt.payerEmail,
      urlcl: attempt.notifyUrl,
      saisie: TIPI_SAISIE[channel.mode],
    });
    return { kind: 'redirect', url: `${channel.endpoint}/tpa/paiement.web?${query}` };
  },

  claimOf(fields) {
    const reference = lowerKeys(fields).refdet;
    return reference ? { reference } : null;
  },

  async verifyNotification(_channel, fields) {
    return treasuryResult(lowerKeys(fields), TIPI_SAISIE);
  },

  lookup: null,
};
