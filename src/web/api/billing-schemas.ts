import { PAYMENT_METHODS } from '../../modules/ledger/ledger.tables.js';

/**
 * The JSON schemas of the API's money routes (invoices, payments, statement, certificates): the
 * routes validate their input and serialise their answers with them, and @fastify/swagger documents
 * them in /api/openapi.json, as api-schemas.ts does for the others.
 */

const id = { type: 'string', format: 'uuid' } as const;
const day = { type: 'string', format: 'date', description: 'A calendar date, YYYY-MM-DD.', examples: ['2026-11-02'] } as const;
const nullableDay = { type: ['string', 'null'], format: 'date' } as const;
const text = { type: 'string' } as const;
const cents = { type: 'integer', description: 'In cents of euro.' } as const;
const year = { type: 'integer', minimum: 2000, maximum: 2099 } as const;

const INVOICE_STATES = ['paid', 'to_pay', 'late', 'treasury', 'credit_note'] as const;
const LINE_KINDS = ['attended', 'absence', 'late_cancellation', 'unbooked_presence', 'regularisation', 'prepaid'] as const;
const LEDGER_KINDS = ['invoice', 'credit_note', 'payment', 'payment_cancellation', 'refund'] as const;

const paymentMethod = { type: 'string', enum: [...PAYMENT_METHODS] } as const;

/** A PDF answer: the bytes, as an attachment named after the document. */
export const pdfResponse = (description: string) => ({
  description,
  content: {
    'application/pdf': {
      schema: { type: 'string', format: 'binary', description: 'The PDF, sent with `Content-Disposition: attachment` and the document’s number as file name.' },
    },
  },
});

// --- invoices -----------------------------------------------------------------------------------

export const invoicesQuery = {
  type: 'object',
  properties: {
    year: { ...year, description: 'Only the invoices numbered in this year.' },
    regieId: { ...id, description: 'Only the invoices of this collection office (régie).' },
    unpaid: { type: 'boolean', description: 'Only the invoices with something left to pay (credit notes left out).' },
  },
} as const;

const invoiceSummaryProperties = {
  id,
  number: text,
  kind: { type: 'string', enum: ['invoice', 'credit_note'] },
  regie: { type: 'object', required: ['id', 'name'], properties: { id, name: text } },
  payerName: text,
  issuedOn: day,
  dueOn: day,
  periodFrom: nullableDay,
  periodTo: nullableDay,
  totalCents: { ...cents, description: 'Negative for a credit note.' },
  paidCents: { ...cents, description: 'What payments paid of it (for a credit note: what it paid of other invoices).' },
  leftCents: { ...cents, description: 'What is left to pay; 0 for a credit note.' },
  state: {
    type: 'string',
    enum: [...INVOICE_STATES],
    description: 'paid, to_pay, late (past its due date), treasury (handed to the Treasury: pay the Treasury, not the portal), credit_note.',
  },
  stateText: { ...text, description: 'The state in words, in the asked language.' },
  treasury: {
    type: ['object', 'null'],
    required: ['reference', 'handedOn'],
    description: 'When handed to the Treasury for collection (titre émis): the title’s reference and the day.',
    properties: { reference: text, handedOn: day },
  },
  creditOf: {
    type: ['object', 'null'],
    required: ['id', 'number'],
    description: 'For a credit note: the invoice it corrects.',
    properties: { id, number: text },
  },
} as const;

const invoiceSummaryRequired = [
  'id',
  'number',
  'kind',
  'regie',
  'payerName',
  'issuedOn',
  'dueOn',
  'periodFrom',
  'periodTo',
  'totalCents',
  'paidCents',
  'leftCents',
  'state',
  'stateText',
  'treasury',
  'creditOf',
];

export const invoicesResponse = {
  description: 'The household’s invoices and credit notes, newest first, and what is left to pay on them.',
  type: 'object',
  required: ['invoices', 'leftCents', 'treasuryCents'],
  properties: {
    invoices: { type: 'array', items: { type: 'object', required: invoiceSummaryRequired, properties: invoiceSummaryProperties } },
    leftCents: { ...cents, description: 'What is left to pay on the invoices listed.' },
    treasuryCents: { ...cents, description: 'Of which handed to the Treasury: to be paid to the Treasury, not to the service.' },
  },
} as const;

export const invoiceParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { ...id, description: 'The invoice or credit note.' } },
} as const;

export const invoiceResponse = {
  description: 'One invoice whole: its lines by child and unit, the payments that paid it, its credit notes, and how to pay it.',
  type: 'object',
  required: [...invoiceSummaryRequired, 'reason', 'lines', 'payments', 'credits', 'creditNotes', 'howToPay'],
  properties: {
    ...invoiceSummaryProperties,
    reason: { type: ['string', 'null'], description: 'For a credit note: why it was issued.' },
    lines: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'childId',
          'childName',
          'label',
          'kind',
          'kindText',
          'days',
          'quantity',
          'unitPriceCents',
          'amountCents',
          'careCents',
          'mealCents',
          'penaltyCents',
        ],
        properties: {
          childId: { type: ['string', 'null'], format: 'uuid' },
          childName: text,
          label: { ...text, description: 'The unit billed.' },
          kind: { type: 'string', enum: [...LINE_KINDS] },
          kindText: { ...text, description: 'The unit and what was billed, in words: "Repas — absence non justifiée".' },
          days: { type: 'array', items: day },
          quantity: { type: 'integer' },
          unitPriceCents: cents,
          amountCents: cents,
          careCents: { ...cents, description: 'The care part (counted for the tax certificate).' },
          mealCents: { ...cents, description: 'The meal part.' },
          penaltyCents: { ...cents, description: 'Penalties and surcharges.' },
        },
      },
    },
    payments: {
      type: 'array',
      description: 'The payments that paid it, with the amount each paid of it; a cancelled one is marked so.',
      items: {
        type: 'object',
        required: ['number', 'receivedOn', 'method', 'methodText', 'amountCents', 'cancelled'],
        properties: { number: text, receivedOn: day, method: paymentMethod, methodText: text, amountCents: cents, cancelled: { type: 'boolean' } },
      },
    },
    credits: {
      type: 'array',
      description: 'The credit notes whose credit paid part of it (a credit note pays the oldest invoices left open), with what each paid of it.',
      items: {
        type: 'object',
        required: ['creditNoteId', 'number', 'issuedOn', 'amountCents'],
        properties: { creditNoteId: id, number: text, issuedOn: day, amountCents: cents },
      },
    },
    creditNotes: {
      type: 'array',
      description: 'The credit notes that correct this invoice.',
      items: { type: 'object', required: ['id', 'number', 'totalCents'], properties: { id, number: text, totalCents: cents } },
    },
    howToPay: {
      type: 'object',
      required: ['regieName', 'bankHolder', 'iban', 'bic', 'instructions'],
      description: 'How to pay the régie (unless handed to the Treasury: then the Treasury is paid).',
      properties: {
        regieName: text,
        bankHolder: { type: ['string', 'null'] },
        iban: { type: ['string', 'null'] },
        bic: { type: ['string', 'null'] },
        instructions: { ...text, description: 'The régie’s own words, or the default ones.' },
      },
    },
  },
} as const;

// --- payments -----------------------------------------------------------------------------------

export const paymentsResponse = {
  description: 'The payments the service received from the household, newest first, with the invoices each paid.',
  type: 'object',
  required: ['payments'],
  properties: {
    payments: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'number', 'regie', 'method', 'methodText', 'amountCents', 'receivedOn', 'payerName', 'chequeNumber', 'cancelled', 'invoices'],
        properties: {
          id,
          number: { ...text, description: 'The receipt number.' },
          regie: { type: 'object', required: ['id', 'name'], properties: { id, name: text } },
          method: paymentMethod,
          methodText: text,
          amountCents: cents,
          receivedOn: day,
          payerName: text,
          chequeNumber: { type: ['string', 'null'] },
          cancelled: {
            type: ['object', 'null'],
            required: ['reason'],
            description: 'A payment cancelled by the service, with the reason.',
            properties: { reason: text },
          },
          invoices: {
            type: 'array',
            items: { type: 'object', required: ['invoiceId', 'number', 'amountCents'], properties: { invoiceId: id, number: text, amountCents: cents } },
          },
        },
      },
    },
  },
} as const;

export const paymentParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { ...id, description: 'The payment.' } },
} as const;

// --- statement ----------------------------------------------------------------------------------

export const statementQuery = {
  type: 'object',
  properties: {
    schoolYear: { ...year, description: 'The school year’s first year (2026 for 2026-2027, 1 September to 31 August); the current one when left out.' },
  },
} as const;

export const statementResponse = {
  description: 'The account statement of a school year, per régie: the old balance, the operations (debit and credit), the balance.',
  type: 'object',
  required: ['schoolYear', 'schoolYears', 'regies'],
  properties: {
    schoolYear: year,
    schoolYears: { type: 'array', items: year, description: 'The school years with operations, newest first.' },
    regies: {
      type: 'array',
      items: {
        type: 'object',
        required: ['regieId', 'regieName', 'openingCents', 'operations', 'debitCents', 'creditCents', 'closingCents'],
        properties: {
          regieId: id,
          regieName: text,
          openingCents: { ...cents, description: 'The balance carried from before 1 September (positive: owed).' },
          operations: {
            type: 'array',
            items: {
              type: 'object',
              required: ['on', 'kind', 'kindText', 'number', 'invoiceId', 'paymentId', 'debitCents', 'creditCents'],
              properties: {
                on: day,
                kind: { type: 'string', enum: [...LEDGER_KINDS] },
                kindText: text,
                number: { ...text, description: 'The invoice, credit note or receipt number.' },
                invoiceId: { type: ['string', 'null'], format: 'uuid' },
                paymentId: { type: ['string', 'null'], format: 'uuid' },
                debitCents: cents,
                creditCents: cents,
              },
            },
          },
          debitCents: cents,
          creditCents: cents,
          closingCents: { ...cents, description: 'The balance on 31 August (positive: owed; negative: in the household’s favour).' },
        },
      },
    },
  },
} as const;

// --- certificates -------------------------------------------------------------------------------

export const taxCertificateParams = {
  type: 'object',
  required: ['year'],
  properties: { year: { ...year, description: 'A calendar year that is over and in which the household paid something.' } },
} as const;
