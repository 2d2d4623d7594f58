import type { FastifyInstance } from 'fastify';
import type { Translate } from '../../i18n/catalogue.js';
import { receiptPdf, taxCertificatePdf, taxCertificateYears } from '../../modules/billing/certificates.js';
import { creditsApplied } from '../../modules/billing/invoice-credits.js';
import { invoicePdf } from '../../modules/billing/invoice-pdf.js';
import { findInvoice, type InvoiceSummary, listInvoices } from '../../modules/billing/invoices.js';
import { schoolYearOf } from '../../modules/calendar/calendar-dates.js';
import { tenantToday } from '../../modules/calendar/local-date.js';
import { listPayments } from '../../modules/ledger/payments.js';
import { accountStatement, statementYears } from '../../modules/ledger/statement.js';
import { lineLabel, methodLabel } from '../money-labels.js';
import { sendPdf } from '../downloads.js';
import { householdOf, requireFamilyToken } from './api-context.js';
import { notFound } from './api-errors.js';
import { bearer, errors } from './api-schemas.js';
import {
  invoiceParams,
  invoiceResponse,
  invoicesQuery,
  invoicesResponse,
  paymentParams,
  paymentsResponse,
  pdfResponse,
  statementQuery,
  statementResponse,
  taxCertificateParams,
} from './billing-schemas.js';

/** The household's money in JSON: invoices, their PDFs, payments and receipts, the statement, tax certificates. */
export function apiBillingRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: { year?: number; regieId?: string; unpaid?: boolean } }>(
    '/v1/invoices',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['billing'],
        operationId: 'listInvoices',
        summary: 'The household’s invoices and credit notes, with what is left to pay',
        security: bearer,
        querystring: invoicesQuery,
        response: { 200: invoicesResponse, ...errors(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { year, regieId, unpaid } = request.query;
      const invoices = await request.inScope((scope) => listInvoices(scope, { householdId: householdOf(request), year, regieId, unpaid }));
      const bills = invoices.filter((invoice) => invoice.kind === 'invoice');
      return {
        invoices: invoices.map((invoice) => summaryOut(invoice, request.t)),
        leftCents: bills.reduce((sum, invoice) => sum + invoice.leftCents, 0),
        treasuryCents: bills.filter((invoice) => invoice.state === 'treasury').reduce((sum, invoice) => sum + invoice.leftCents, 0),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/invoices/:id',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['billing'],
        operationId: 'getInvoice',
        summary: 'One invoice with its lines, payments, credit notes and how to pay it',
        security: bearer,
        params: invoiceParams,
        response: { 200: invoiceResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const { t } = request;
      const { invoice, credits } = await request.inScope(async (scope) => ({
        invoice: await findInvoice(scope, request.params.id),
        credits: await creditsApplied(scope, request.params.id),
      }));
      if (!invoice) return notFound(request, reply);
      return {
        ...summaryOut(invoice, t),
        reason: invoice.reason,
        lines: invoice.lines.map((line) => ({ ...line, kindText: lineLabel(t, line) })),
        payments: invoice.payments.map((payment) => ({ ...payment, methodText: methodLabel(t, payment.method) })),
        credits,
        creditNotes: invoice.creditNotes,
        howToPay: {
          regieName: invoice.regie.name,
          bankHolder: invoice.regie.bankHolder,
          iban: invoice.regie.iban,
          bic: invoice.regie.bic,
          instructions: invoice.regie.paymentInstructions ?? t('pdf.pay.counter'),
        },
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/invoices/:id/pdf',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['billing'],
        operationId: 'invoicePdf',
        summary: 'The invoice as a PDF, in the asked language',
        description: 'Made once per language and kept: every download gives the same bytes.',
        security: bearer,
        params: invoiceParams,
        response: { 200: pdfResponse('The invoice’s PDF.'), ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const document = await request.inScope((scope) => invoicePdf(scope, request.params.id, request.lang));
      if (!document) return notFound(request, reply);
      return sendPdf(reply, `${document.number}.pdf`, document.pdf);
    },
  );

  app.get(
    '/v1/payments',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['billing'],
        operationId: 'listPayments',
        summary: 'The payments received from the household, with the invoices each paid',
        security: bearer,
        response: { 200: paymentsResponse, ...errors(401, 403, 429) },
      },
    },
    async (request) => {
      const { t } = request;
      const payments = await request.inScope((scope) => listPayments(scope, { householdId: householdOf(request) }));
      return {
        payments: payments.map((payment) => ({
          id: payment.id,
          number: payment.number,
          regie: { id: payment.regieId, name: payment.regieName },
          method: payment.method,
          methodText: methodLabel(t, payment.method),
          amountCents: payment.amountCents,
          receivedOn: payment.receivedOn,
          payerName: payment.payerName,
          chequeNumber: payment.chequeNumber,
          cancelled: payment.cancelled ? { reason: payment.cancelled.reason } : null,
          invoices: payment.paid,
        })),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/payments/:id/receipt',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['billing'],
        operationId: 'paymentReceipt',
        summary: 'The receipt of a payment as a PDF, in the asked language',
        security: bearer,
        params: paymentParams,
        response: { 200: pdfResponse('The receipt’s PDF.'), ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const receipt = await request.inScope((scope) => receiptPdf(scope, request.params.id, request.lang));
      if (!receipt) return notFound(request, reply);
      return sendPdf(reply, `${receipt.number}.pdf`, receipt.pdf);
    },
  );

  app.get<{ Querystring: { schoolYear?: number } }>(
    '/v1/statement',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['billing'],
        operationId: 'accountStatement',
        summary: 'The account statement of a school year, per régie',
        security: bearer,
        querystring: statementQuery,
        response: { 200: statementResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const { t } = request;
      const householdId = householdOf(request);
      const answer = await request.inScope(async (scope) => {
        const schoolYear = request.query.schoolYear ?? schoolYearOf(await tenantToday(scope));
        return { schoolYear, schoolYears: await statementYears(scope, householdId), regies: await accountStatement(scope, householdId, schoolYear) };
      });
      if (!answer.regies) return notFound(request, reply);
      return {
        ...answer,
        regies: answer.regies.map((regie) => ({
          ...regie,
          operations: regie.operations.map((operation) => ({ ...operation, kindText: t(`family.statement.kind.${operation.kind}`) })),
        })),
      };
    },
  );

  app.get<{ Params: { year: number } }>(
    '/v1/tax-certificates/:year',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['billing'],
        operationId: 'taxCertificate',
        summary: 'The tax certificate for childcare of a past year, as a PDF',
        description:
          'What the household paid in that calendar year for the care of its children under six on 1 January (article 200 quater B of the CGI), meals and penalties excluded. ' +
          'Available from the January after the year, for a year in which the household paid something; another year is 404.',
        security: bearer,
        params: taxCertificateParams,
        response: { 200: pdfResponse('The tax certificate’s PDF.'), ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const householdId = householdOf(request);
      const { year } = request.params;
      const pdf = await request.inScope(async (scope) =>
        (await taxCertificateYears(scope, householdId)).includes(year) ? taxCertificatePdf(scope, householdId, year, request.lang) : null,
      );
      if (!pdf) return notFound(request, reply);
      return sendPdf(reply, request.t('family.certificates.taxFileName', { year }), pdf);
    },
  );
}

function summaryOut(invoice: InvoiceSummary, t: Translate) {
  return {
    id: invoice.id,
    number: invoice.number,
    kind: invoice.kind,
    regie: { id: invoice.regieId, name: invoice.regieName },
    payerName: invoice.payerName,
    issuedOn: invoice.issuedOn,
    dueOn: invoice.dueOn,
    periodFrom: invoice.periodFrom,
    periodTo: invoice.periodTo,
    totalCents: invoice.totalCents,
    paidCents: invoice.paidCents,
    leftCents: invoice.leftCents,
    state: invoice.state,
    stateText: t(`family.money.state.${invoice.state}`),
    treasury: invoice.treasury,
    creditOf: invoice.creditOf,
  };
}
