import { XMLParser } from 'fast-xml-parser';
import type { ChannelMode, OnlineMethod } from './online-payment.tables.js';
import type { Channel, Departing, Departure, ProviderAdapter, ProviderAnswer } from './providers.js';

/**
 * PayFiP, the Treasury's web service (PAYMENTS.md): a SOAP call creates the operation (idOp) the
 * browser is sent to; the notification and the browser's return carry only that idOp and are not
 * signed, so whatever they say is learnt again from our own SOAP lookup of the idOp.
 */

export const PAYFIP_ENDPOINT = 'https://www.payfip.gouv.fr';
export const PAYFIP_NAMESPACE = 'http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService';
/** `saisie` sent for each mode of a channel; `X` (activation) is never sent but may come back. */
export const PAYFIP_SAISIE: Record<ChannelMode, string> = { test: 'T', production: 'W' };

/** What `resultrans` says; TIPI, PayFiP's predecessor, sends P, R and A only. */
const RESULTRANS: Record<string, { outcome: 'paid' | 'refused' | 'abandoned'; method?: OnlineMethod }> = {
  P: { outcome: 'paid', method: 'online_card' },
  V: { outcome: 'paid', method: 'online_debit' },
  R: { outcome: 'refused' },
  Z: { outcome: 'refused' },
  A: { outcome: 'abandoned' },
};

/**
 * A result in the Treasury's words, the same in PayFiP's detail and in TIPI's notification, given
 * the `saisie` values sent for each mode (`X`, activation, is the production set-up under test).
 */
export function treasuryResult(fields: Record<string, string | undefined>, saisieSent: Record<ChannelMode, string>): ProviderAnswer {
  const { refdet, montant, numcli, saisie, resultrans, numauto } = fields;
  const result = RESULTRANS[resultrans ?? ''];
  const mode = saisie === 'X' ? 'test' : (Object.keys(saisieSent) as ChannelMode[]).find((sent) => saisieSent[sent] === saisie);
  if (!refdet || !numcli || !result || !mode || !/^\d+$/.test(montant ?? '')) return { kind: 'rejected', why: `unreadable result: ${JSON.stringify(fields)}` };
  return {
    kind: 'result',
    reference: refdet,
    amountCents: Number(montant),
    merchantId: numcli,
    mode,
    outcome: result.outcome,
    ...(result.method && { method: result.method }),
    ...(numauto && { authorisation: numauto }),
  };
}

/** `objet` as PayFiP takes it: letters, digits and single spaces, unaccented, 100 at most. */
export function payfipObjet(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/œ/g, 'oe')
    .replace(/Œ/g, 'OE')
    .replace(/æ/g, 'ae')
    .replace(/Æ/g, 'AE')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .slice(0, 100)
    .trim();
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Fields as XML elements, their text escaped; characters XML 1.0 cannot carry at all are dropped. */
export function xmlElements(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => {
      const text = value.replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '').replace(/[&<>"']/g, (char) => XML_ESCAPES[char]!);
      return `<${name}>${text}</${name}>`;
    })
    .join('');
}

const FAULTS = ['FonctionnelleErreur', 'TechDysfonctionnementErreur', 'TechIndisponibiliteErreur', 'TechProtocolaireErreur'];

// Character references (&#38;) are XML too, but the library reads them only with its HTML entities.
const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, htmlEntities: true });

type SoapAnswer = { kind: 'return'; fields: Record<string, string> } | { kind: 'fault'; code?: string; why: string } | { kind: 'unavailable'; why: string };

type XmlNode = Record<string, unknown> | undefined;

export function xmlChild(node: unknown, name: string): XmlNode {
  const found = node && typeof node === 'object' ? (node as Record<string, unknown>)[name] : undefined;
  return found && typeof found === 'object' ? (found as Record<string, unknown>) : undefined;
}

/** The text fields of an element (an element left empty or nil reads as ''). */
export function textFields(node: XmlNode): Record<string, string> {
  return Object.fromEntries(Object.entries(node ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** The Body of a SOAP envelope, its namespace prefixes dropped; undefined when the text is none. */
export function soapBody(text: string): XmlNode {
  // SOAP forbids a DTD, which is also the way to entity tricks: a text with one is not read.
  if (/<!DOCTYPE/i.test(text)) return undefined;
  try {
    return xmlChild(xmlChild(parser.parse(text), 'Envelope'), 'Body');
  } catch {
    return undefined;
  }
}

/** Calls a PayFiP operation with its `arg0` fields; SOAP 1.1 answers a fault with HTTP 500, so the body is read first. */
async function callPayfip(endpoint: string, operation: string, arg0: Record<string, string>, timeoutMs: number): Promise<SoapAnswer> {
  const envelope = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:pai="${PAYFIP_NAMESPACE}"><soapenv:Header/><soapenv:Body><pai:${operation}><arg0>${xmlElements(arg0)}</arg0></pai:${operation}></soapenv:Body></soapenv:Envelope>`;
  let status: number;
  let text: string;
  try {
    const answer = await fetch(`${endpoint}/tpa/services/securite`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
      body: envelope,
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = answer.status;
    text = await answer.text();
  } catch (error) {
    const { name, message, cause } = error as Error & { cause?: { code?: string } };
    return { kind: 'unavailable', why: `${operation}: ${name === 'TimeoutError' ? 'timeout' : (cause?.code ?? message)}` };
  }
  const body = soapBody(text);
  const fault = xmlChild(body, 'Fault');
  if (fault) {
    const detail = xmlChild(fault, 'detail');
    const kind = FAULTS.find((name) => xmlChild(detail, name));
    const error = textFields(kind ? xmlChild(detail, kind) : undefined);
    const why = `${operation}: ${kind ?? 'fault'} ${error.code ?? ''} ${error.libelle ?? textFields(fault).faultstring ?? ''}`;
    return { kind: 'fault', code: kind === 'FonctionnelleErreur' ? error.code : undefined, why: why.replace(/\s+/g, ' ').trim() };
  }
  if (status !== 200) return { kind: 'unavailable', why: `${operation}: HTTP ${status}` };
  const returned = xmlChild(xmlChild(body, `${operation}Response`), 'return');
  return returned ? { kind: 'return', fields: textFields(returned) } : { kind: 'unavailable', why: `${operation}: no answer in the body` };
}

/** The adapter, with the time PayFiP is given to answer each call. */
export function payfipAdapter(timeoutMs = 10_000): ProviderAdapter {
  async function lookUp(channel: Channel, idOp: string | null): Promise<ProviderAnswer> {
    if (!idOp) return { kind: 'unknown_attempt' };
    const answer = await callPayfip(channel.endpoint, 'recupererDetailPaiementSecurise', { idOp }, timeoutMs);
    if (answer.kind === 'fault' && answer.code === 'P5') return { kind: 'unknown_yet' };
    // P1: an idOp PayFiP never knew, or purged the night after it was left unpaid.
    if (answer.kind === 'fault' && answer.code === 'P1') return { kind: 'unknown_attempt' };
    if (answer.kind !== 'return') return { kind: 'unavailable', why: answer.why };
    const result = treasuryResult(answer.fields, PAYFIP_SAISIE);
    return result.kind === 'result' ? { ...result, raw: answer.fields } : result;
  }

  return {
    verifiable: true,
    async depart(channel: Channel, attempt: Departing): Promise<Departure> {
      const answer = await callPayfip(
        channel.endpoint,
        'creerPaiementSecurise',
        {
          numcli: channel.merchantId,
          exer: String(attempt.year),
          refdet: attempt.reference,
          objet: payfipObjet(attempt.label),
          montant: String(attempt.amountCents),
          mel: attempt.payerEmail,
          urlnotif: attempt.notifyUrl,
          urlredirect: attempt.returnUrl,
          saisie: PAYFIP_SAISIE[channel.mode],
        },
        timeoutMs,
      );
      if (answer.kind !== 'return') return { kind: 'unavailable', why: answer.why };
      const idOp = answer.fields.idOp;
      if (!idOp) return { kind: 'unavailable', why: 'creerPaiementSecurise: no idOp' };
      return { kind: 'redirect', url: `${channel.endpoint}/tpa/paiementws.web?idop=${encodeURIComponent(idOp)}`, providerRef: idOp };
    },

    claimOf(fields) {
      const idOp = fields.idop || fields.idOp;
      return idOp ? { providerRef: idOp } : null;
    },

    // Nothing in a notification is signed: the attempt's own idOp is looked up, its fields unread.
    async verifyNotification(channel, _fields, attempt) {
      return attempt ? lookUp(channel, attempt.providerRef) : { kind: 'unknown_attempt' };
    },

    lookup: (channel, attempt) => lookUp(channel, attempt.providerRef),
  };
}

export const payfip = payfipAdapter();
