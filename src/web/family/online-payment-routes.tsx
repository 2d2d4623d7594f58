import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { MessageKey } from '../../i18n/catalogue.js';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { lookUpAttempt, type StartError, type StartField, startAttempt } from '../../modules/online-payment/attempts.js';
import type { ProviderKind } from '../../modules/online-payment/online-payment.tables.js';
import { type AttemptView, attemptOf, type PaymentChoices, paymentChoicesOf } from '../../modules/online-payment/payment-choices.js';
import { PAGES, pagePath } from '../../modules/page-paths.js';
import type { Services } from '../../services.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { ChoiceGroup } from '../components/dsfr/choice-group.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { errorMessages, FIELD_ERROR_KEYS, underFormNames } from '../forms.js';
import { requireFamily } from '../guards.js';
import { Id, Text } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import { allowFormActionTo } from '../plugins/security-headers.js';
import { receiptPath } from './payments-routes.js';

/** The pay page's address for the régie of an invoice, that invoice ticked. */
export function payPath(invoiceId: string): string {
  return `/paiement?facture=${encodeURIComponent(invoiceId)}`;
}

const PayQuery = Type.Object({ facture: Id });
const PayBody = Type.Object({
  /** The invoice the page was opened from: it names the régie when the page is shown again. */
  depuis: Id,
  facture: Type.Optional(Type.Union([Id, Type.Array(Id)])),
  moyen: Type.Optional(Type.String({ maxLength: 40 })),
  montant: Type.Optional(Text),
});
const AttemptParams = Type.Object({ attemptId: Id });

type FormValues = { factures: string[]; moyen: string; montant: string };

/** The form's field names for the module's fields. */
const FIELDS: Record<StartField, string> = { invoices: 'facture', channel: 'moyen', amount: 'montant' };

export const PROVIDER_KEYS = {
  payfip: 'provider.payfip',
  tipi: 'provider.tipi',
  systempay: 'provider.systempay',
  payzen: 'provider.payzen',
} as const satisfies Record<ProviderKind, MessageKey>;

/**
 * Paying online (PAYMENTS.md): the family chooses invoices of one régie and a provider, leaves for
 * the provider in the same tab (a redirect, or a form its browser posts), and comes back to a page
 * that shows the attempt's state as the provider's notification or our lookup settles it.
 */
export function familyOnlinePaymentRoutes(services: Services): FastifyPluginAsyncTypebox {
  const secrets = { secret: services.config.secret };
  return async (app) => {
    app.get('/paiement', { preHandler: requireFamily, schema: { querystring: PayQuery } }, async (request, reply) => {
      const choices = await loadChoices(request, request.query.facture);
      if (!choices) return reply.callNotFound();
      allowProviders(reply, choices);
      const values = { factures: [request.query.facture], moyen: choices.channels.length === 1 ? choices.channels[0]!.id : '', montant: '' };
      return reply.page(request.t('family.pay.title'), <PayPage choices={choices} from={request.query.facture} values={values} errors={{}} />);
    });

    app.post('/paiement', { preHandler: requireFamily, schema: { body: PayBody } }, async (request, reply) => {
      const householdId = request.session!.account.householdId!;
      const { depuis, facture, moyen, montant } = request.body;
      const values = { factures: facture === undefined ? [] : [facture].flat(), moyen: moyen ?? '', montant: montant ?? '' };
      const started = await startAttempt(
        (work) => request.inScope(work),
        householdId,
        { invoiceIds: values.factures, channelId: moyen || undefined, amount: montant },
        { ...secrets, publicBase: request.publicBase },
      );
      if (started.kind === 'not_found') return reply.callNotFound();
      if (started.kind === 'departure') {
        // A redirect is checked against the pay page's own policy (allowProviders); a form, against its page's.
        if (started.departure.kind === 'redirect') return reply.redirect(started.departure.url, 303);
        allowFormActionTo(reply, started.departure.url);
        const attempt = (await request.inScope((scope) => attemptOf(scope, householdId, started.attemptId)))!;
        return reply.page(
          request.t('family.pay.departTitle'),
          <DeparturePage attempt={attempt} url={started.departure.url} fields={started.departure.fields} />,
        );
      }
      const choices = await loadChoices(request, depuis);
      if (!choices) return reply.callNotFound();
      allowProviders(reply, choices);
      const errors = started.kind === 'invalid' ? underFormNames(errorMessages(request.t, started.errors, PAY_ERROR_KEYS), FIELDS) : {};
      return reply.page(
        request.t('family.pay.title'),
        <PayPage choices={choices} from={depuis} values={values} errors={errors} unavailable={started.kind === 'unavailable'} />,
        started.kind === 'unavailable' ? 503 : 400,
      );
    });

    app.get('/paiement/:attemptId', { preHandler: requireFamily, schema: { params: AttemptParams } }, async (request, reply) => {
      const householdId = request.session!.account.householdId!;
      const read = () => request.inScope((scope) => attemptOf(scope, householdId, request.params.attemptId));
      let attempt = await read();
      if (!attempt) return reply.callNotFound();
      // Coming back is no proof of anything: while pending, ask the provider ourselves (where it
      // answers lookups); its notification may also have settled the attempt meanwhile.
      if (attempt.state === 'pending') {
        await lookUpAttempt((work) => request.inScope(work), attempt.id, { ...secrets, publicBase: request.publicBase });
        attempt = (await read())!;
      }
      return reply.page(request.t('family.pay.resultTitle'), <ResultPage attempt={attempt} />);
    });
  };
}

/**
 * The pay page's form may lead to the régie's providers: PayFiP answers it with a redirect to the
 * Treasury, and browsers check that redirect against the form-action of the page holding the form.
 */
function allowProviders(reply: FastifyReply, choices: PaymentChoices): void {
  for (const origin of choices.providerOrigins) allowFormActionTo(reply, origin);
}

async function loadChoices(request: FastifyRequest, invoiceId: string): Promise<PaymentChoices | null> {
  const householdId = request.session!.account.householdId!;
  return request.inScope((scope) => paymentChoicesOf(scope, householdId, invoiceId));
}

const PAY_ERROR_KEYS: Record<StartError, MessageKey> = {
  ...FIELD_ERROR_KEYS,
  noInvoice: 'family.pay.error.required',
  noChannel: 'family.pay.error.channel',
  treasury: 'family.pay.error.treasury',
  paid: 'family.pay.error.paid',
  oneRegie: 'family.pay.error.oneRegie',
  aboveDue: 'family.pay.error.aboveDue',
  belowMinimum: 'family.pay.error.belowMinimum',
};

function PayPage(props: { choices: PaymentChoices; from: string; values: FormValues; errors: Record<string, string | undefined>; unavailable?: boolean }) {
  const page = usePage();
  const { t, fmt } = page;
  const { choices, values, errors } = props;
  const labels = { facture: t('family.pay.invoices'), moyen: t('family.pay.channel'), montant: t('family.pay.amount') };
  const total = choices.invoices.reduce((sum, invoice) => sum + invoice.leftCents, 0);
  return (
    <>
      <h1>{t('family.pay.title')}</h1>
      <p>{t('family.pay.regie', { regie: choices.regieName })}</p>
      {props.unavailable && (
        <Alert kind="error" announce>
          {t('family.pay.unavailable')}
        </Alert>
      )}
      {choices.pending.map((attempt) => (
        <Alert kind="warning" small key={attempt.attemptId}>
          <p>
            {t('family.pay.pendingNote', { amount: fmt.money(attempt.amountCents), at: fmt.dateTime(attempt.createdAt) })}{' '}
            <a href={href(page, pagePath(PAGES.paymentReturn, { attemptId: attempt.attemptId }))}>{t('family.pay.pendingLink')}</a>
          </p>
        </Alert>
      ))}
      {choices.atTreasury.map((invoice) => (
        <Alert kind="info" small key={invoice.id}>
          {t('family.pay.treasuryNote', { number: invoice.number })}
        </Alert>
      ))}
      {choices.channels.length === 0 ? (
        <p>{t('family.pay.notOffered')}</p>
      ) : choices.invoices.length === 0 ? (
        <p>{t('family.pay.none')}</p>
      ) : (
        <>
          <p>{t('family.pay.intro')}</p>
          <ErrorSummary errors={errors} labels={labels} />
          <form method="post" action={href(page, '/paiement')} novalidate>
            <CsrfField />
            <input type="hidden" name="depuis" value={props.from} />
            <ChoiceGroup
              type="checkbox"
              name="facture"
              legend={labels.facture}
              chosen={values.factures}
              error={errors.facture}
              choices={choices.invoices.map((invoice) => ({
                value: invoice.id,
                label: t('family.pay.invoiceOption', { number: invoice.number, amount: fmt.money(invoice.leftCents), due: formatCalendarDate(invoice.dueOn) }),
              }))}
            />
            {choices.invoices.length > 1 && <p class="fr-text--sm">{t('family.pay.total', { amount: fmt.money(total) })}</p>}
            {choices.partialAllowed && (
              <Input name="montant" label={labels.montant} hint={t('family.pay.amountHint')} value={values.montant} error={errors.montant} inputMode="text" />
            )}
            <ChoiceGroup
              type="radio"
              name="moyen"
              legend={labels.moyen}
              chosen={[values.moyen]}
              error={errors.moyen}
              choices={choices.channels.map((channel) => {
                const provider = t(PROVIDER_KEYS[channel.provider]);
                return { value: channel.id, label: channel.mode === 'test' ? t('provider.testMode', { provider }) : provider };
              })}
            />
            <Button icon="fr-icon-lock-line">{t('family.pay.submit')}</Button>
          </form>
        </>
      )}
      <p class="fr-mt-4w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, PAGES.invoices)}>
          {t('family.pay.toInvoices')}
        </a>
      </p>
    </>
  );
}

/** The form the browser posts to the provider: sent by itself by the page's script, or by its button. */
function DeparturePage(props: { attempt: AttemptView; url: string; fields: Record<string, string> }) {
  const page = usePage();
  const { t, fmt } = page;
  return (
    <>
      <h1>{t('family.pay.departTitle')}</h1>
      <form method="post" action={props.url} data-auto-submit>
        {Object.entries(props.fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} key={name} />
        ))}
        <p>{t('family.pay.departText', { amount: fmt.money(props.attempt.amountCents) })}</p>
        <p>{t('family.pay.departProvider', { provider: t(PROVIDER_KEYS[props.attempt.provider]) })}</p>
        <Button icon="fr-icon-lock-line">{t('family.pay.departButton')}</Button>
      </form>
      <p class="fr-mt-4w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, PAGES.invoices)}>
          {t('family.pay.toInvoices')}
        </a>
      </p>
    </>
  );
}

/** A pending page asks again by itself for this long after the attempt began, then leaves it to the family. */
const REFRESH_FOR_MS = 15 * 60_000;

const RESULT_KIND = { pending: 'info', paid: 'success', refused: 'error', abandoned: 'warning', expired: 'warning' } as const;

function ResultPage(props: { attempt: AttemptView }) {
  const page = usePage();
  const { t, fmt } = page;
  const { attempt } = props;
  const amount = fmt.money(attempt.amountCents);
  return (
    <>
      <h1>{t('family.pay.resultTitle')}</h1>
      <Alert kind={RESULT_KIND[attempt.state]} title={t(`family.pay.state.${attempt.state}`)} announce>
        <p>
          {attempt.state === 'paid' && attempt.payment
            ? t('family.pay.state.paidText', { amount, number: attempt.payment.number })
            : t(`family.pay.state.${attempt.state}Text`)}
        </p>
        {attempt.state === 'paid' && attempt.basketId && <p>{t('family.pay.basketPaid')}</p>}
        {attempt.state !== 'paid' && <p>{t('family.pay.amountLine', { amount })}</p>}
      </Alert>
      {attempt.state === 'pending' && (
        <form
          method="get"
          action={href(page, pagePath(PAGES.paymentReturn, { attemptId: attempt.id }))}
          data-auto-retry={page.now.getTime() - attempt.createdAt.getTime() < REFRESH_FOR_MS ? '3' : undefined}
        >
          <Button variant="secondary" icon="fr-icon-refresh-line">
            {t('family.pay.refresh')}
          </Button>
        </form>
      )}
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mt-3w">
        {attempt.payment && (
          <li>
            <ButtonLink href={href(page, receiptPath(attempt.payment.id))} icon="fr-icon-download-line">
              {t('family.pay.receipt')}
            </ButtonLink>
          </li>
        )}
        {attempt.basketId && (
          <li>
            <ButtonLink href={href(page, attempt.state === 'paid' ? PAGES.planning : PAGES.basket)}>
              {t(attempt.state === 'paid' ? 'bookings.planning' : 'basket.toBasket')}
            </ButtonLink>
          </li>
        )}
        {(attempt.state === 'refused' || attempt.state === 'abandoned' || attempt.state === 'expired') && attempt.firstInvoiceId && (
          <li>
            <ButtonLink href={href(page, payPath(attempt.firstInvoiceId))}>{t('family.pay.retry')}</ButtonLink>
          </li>
        )}
        <li>
          <ButtonLink href={href(page, PAGES.payments)} variant="secondary">
            {t('family.pay.toPayments')}
          </ButtonLink>
        </li>
        <li>
          <ButtonLink href={href(page, PAGES.invoices)} variant="secondary">
            {t('family.pay.toInvoices')}
          </ButtonLink>
        </li>
      </ul>
    </>
  );
}
