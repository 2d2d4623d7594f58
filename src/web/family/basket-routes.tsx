import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { startBasketAttempt } from '../../modules/online-payment/attempts.js';
import { type BasketChoices, basketChoicesOf } from '../../modules/online-payment/payment-choices.js';
import { PAGES, pagePath } from '../../modules/page-paths.js';
import { MIN_ONLINE_CENTS, removeFromBasket } from '../../modules/prepayment/baskets.js';
import type { Services } from '../../services.js';
import { bookingContextOf } from '../booking-context.js';
import { Facts } from '../components/facts.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { ChoiceGroup } from '../components/dsfr/choice-group.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Table } from '../components/dsfr/table.js';
import { requireFamily } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { Id } from '../page-input.js';
import { allowFormActionTo } from '../plugins/security-headers.js';
import { PROVIDER_KEYS } from './online-payment-routes.js';

const BasketQuery = Type.Object({ confirme: Type.Optional(Type.Literal('1')), retire: Type.Optional(Type.Literal('1')) });
const RemoveBody = Type.Object({ reservation: Id });
const PayBody = Type.Object({
  panier: Id,
  moyen: Type.Optional(Type.String({ maxLength: 40 })),
  /** The rest to pay the family saw, in cents: a basket changed since is shown again rather than paid. */
  reste: Type.Optional(Type.String({ pattern: '^\\d{1,9}$' })),
});

interface PayProblem {
  basketId: string;
  errors: Record<string, string | undefined>;
  notice?: 'changed' | 'gone';
}

/**
 * The prepayment basket (seed 004): the family sees the days waiting to be paid with their prices,
 * the credit used and the rest, the time left; takes days out, or pays — leaving for the provider in
 * the same tab, as for invoices (online-payment-routes.tsx), or confirmed at once when the credit
 * pays all.
 */
export function familyBasketRoutes(services: Services): FastifyPluginAsyncTypebox {
  const secrets = { secret: services.config.secret };
  return async (app) => {
    app.get(PAGES.basket, { preHandler: requireFamily, schema: { querystring: BasketQuery } }, async (request, reply) => {
      const choices = await loadChoices(request);
      for (const origin of choices.providerOrigins) allowFormActionTo(reply, origin);
      return reply.page(
        request.t('basket.title'),
        <BasketPage choices={choices} confirmed={request.query.confirme === '1'} removed={request.query.retire === '1'} />,
      );
    });

    app.post(`${PAGES.basket}/retirer`, { preHandler: requireFamily, schema: { body: RemoveBody } }, async (request, reply) => {
      const householdId = request.session!.account.householdId!;
      const tenant = request.tenant!;
      const outcome = await request.inScope(async (scope) =>
        removeFromBasket(scope, await bookingContextOf(services, scope, tenant), householdId, request.body.reservation),
      );
      if (outcome === 'not_found') return reply.callNotFound();
      if (outcome === 'frozen') {
        const choices = await loadChoices(request);
        return reply.page(
          request.t('basket.title'),
          <BasketPage choices={choices} problem={{ basketId: '', errors: {}, notice: undefined }} frozenError />,
          409,
        );
      }
      return reply.redirect(`${request.base}${PAGES.basket}?retire=1`, 303);
    });

    app.post(`${PAGES.basket}/payer`, { preHandler: requireFamily, schema: { body: PayBody } }, async (request, reply) => {
      const householdId = request.session!.account.householdId!;
      const { panier, moyen, reste } = request.body;
      const started = await startBasketAttempt(
        (work) => request.inScope(work),
        householdId,
        { basketId: panier, channelId: moyen || undefined, expectedCents: reste === undefined ? undefined : Number(reste) },
        { ...secrets, publicBase: request.publicBase },
      );
      if (started.kind === 'not_found') return reply.callNotFound();
      if (started.kind === 'confirmed') return reply.redirect(`${request.base}${PAGES.basket}?confirme=1`, 303);
      if (started.kind === 'departure') {
        if (started.departure.kind === 'redirect') return reply.redirect(started.departure.url, 303);
        allowFormActionTo(reply, started.departure.url);
        return reply.page(request.t('family.pay.departTitle'), <DeparturePage url={started.departure.url} fields={started.departure.fields} />);
      }
      const choices = await loadChoices(request);
      for (const origin of choices.providerOrigins) allowFormActionTo(reply, origin);
      const problem: PayProblem =
        started.kind === 'invalid'
          ? { basketId: panier, errors: { moyen: request.t('basket.error.channel') } }
          : started.kind === 'basket'
            ? { basketId: panier, errors: {}, notice: started.problem }
            : { basketId: panier, errors: {} };
      return reply.page(
        request.t('basket.title'),
        <BasketPage choices={choices} problem={problem} unavailable={started.kind === 'unavailable'} />,
        started.kind === 'unavailable' ? 503 : started.kind === 'basket' ? 409 : 400,
      );
    });
  };
}

async function loadChoices(request: FastifyRequest): Promise<BasketChoices> {
  const householdId = request.session!.account.householdId!;
  return request.inScope((scope) => basketChoicesOf(scope, householdId));
}

function BasketPage(props: {
  choices: BasketChoices;
  confirmed?: boolean;
  removed?: boolean;
  problem?: PayProblem;
  unavailable?: boolean;
  frozenError?: boolean;
}) {
  const page = usePage();
  const { t, fmt } = page;
  const { baskets } = props.choices;
  return (
    <>
      <h1>{t('basket.title')}</h1>
      {props.confirmed && (
        <Alert kind="success" announce>
          {t('basket.confirmed')}
        </Alert>
      )}
      {props.removed && (
        <Alert kind="info" announce>
          {t('basket.removed')}
        </Alert>
      )}
      {props.frozenError && (
        <Alert kind="error" announce>
          {t('basket.error.frozen')}
        </Alert>
      )}
      {props.unavailable && (
        <Alert kind="error" announce>
          {t('family.pay.unavailable')}
        </Alert>
      )}
      {props.problem?.notice && (
        <Alert kind="warning" announce>
          {t(props.problem.notice === 'changed' ? 'basket.error.changed' : 'basket.error.gone')}
        </Alert>
      )}
      {baskets.length === 0 ? (
        <p>{t('basket.empty')}</p>
      ) : (
        <>
          <p>{t('basket.intro')}</p>
          {baskets.map((basket) => {
            const errors = props.problem?.basketId === basket.id ? props.problem.errors : {};
            const minutes = Math.max(0, Math.ceil((basket.expiresAt.getTime() - page.now.getTime()) / 60_000));
            const fieldName = 'moyen';
            return (
              <section class="fr-mb-6w" key={basket.id} aria-labelledby={`basket-${basket.id}`}>
                <h2 id={`basket-${basket.id}`} class="fr-h4">
                  {t('basket.regie', { regie: basket.regieName })}
                </h2>
                <Alert kind={minutes > 0 ? 'info' : 'warning'} small>
                  <p>{minutes > 0 ? t('basket.heldUntil', { time: fmt.dateTime(basket.expiresAt), minutes }) : t('basket.heldExpired')}</p>
                </Alert>
                {basket.pending.map((attempt) => (
                  <Alert kind="warning" small key={attempt.attemptId}>
                    <p>
                      {t('basket.frozen', { amount: fmt.money(attempt.amountCents), at: fmt.dateTime(attempt.createdAt) })}{' '}
                      <a href={href(page, pagePath(PAGES.paymentReturn, { attemptId: attempt.attemptId }))}>{t('basket.frozenLink')}</a>
                    </p>
                  </Alert>
                ))}
                <Table caption={t('basket.caption', { regie: basket.regieName })} class="fr-mt-2w">
                  <thead>
                    <tr>
                      <th scope="col">{t('basket.child')}</th>
                      <th scope="col">{t('basket.day')}</th>
                      <th scope="col">{t('basket.unit')}</th>
                      <th scope="col" class="pf-num">
                        {t('basket.price')}
                      </th>
                      {!basket.frozen && <th scope="col">{t('basket.action')}</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {basket.lines.map((line) => (
                      <tr key={line.bookingId}>
                        <td>{line.childName}</td>
                        <td>{formatCalendarDate(line.day)}</td>
                        <td>
                          {line.activityName} — {line.unitName}
                        </td>
                        <td class="pf-num">{line.noTariff ? `${fmt.money(0)} (${t('basket.noTariff')})` : fmt.money(line.priceCents)}</td>
                        {!basket.frozen && (
                          <td>
                            <form method="post" action={href(page, `${PAGES.basket}/retirer`)}>
                              <CsrfField />
                              <input type="hidden" name="reservation" value={line.bookingId} />
                              <Button variant="tertiary" icon="fr-icon-delete-line">
                                {t('basket.remove')}
                                <span class="fr-sr-only">
                                  {' '}
                                  — {t('basket.removeLabel', { unit: line.unitName, day: formatCalendarDate(line.day), child: line.childName })}
                                </span>
                              </Button>
                            </form>
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </Table>
                <Facts
                  class="fr-my-3w"
                  facts={[
                    [t('basket.subtotal'), fmt.money(basket.totalCents)],
                    [t('basket.credit'), fmt.money(basket.creditCents)],
                    [t('basket.rest'), <strong key="rest">{fmt.money(basket.restCents)}</strong>],
                  ]}
                />
                {basket.restCents > 0 && basket.restCents < MIN_ONLINE_CENTS && (
                  <p class="fr-text--sm">{t('basket.minimumNote', { minimum: fmt.money(MIN_ONLINE_CENTS) })}</p>
                )}
                {basket.restCents === 0 ? (
                  <form method="post" action={href(page, `${PAGES.basket}/payer`)}>
                    <CsrfField />
                    <input type="hidden" name="panier" value={basket.id} />
                    <input type="hidden" name="reste" value="0" />
                    <Button icon="fr-icon-check-line">{t('basket.confirmWithCredit')}</Button>
                  </form>
                ) : basket.channels.length === 0 ? (
                  <p>{t('basket.notOffered')}</p>
                ) : (
                  <form method="post" action={href(page, `${PAGES.basket}/payer`)} novalidate>
                    <CsrfField />
                    <ErrorSummary errors={errors} labels={{ [fieldName]: t('basket.channel') }} />
                    <input type="hidden" name="panier" value={basket.id} />
                    <input type="hidden" name="reste" value={String(basket.restCents)} />
                    <ChoiceGroup
                      type="radio"
                      name={fieldName}
                      legend={t('basket.channel')}
                      chosen={basket.channels.length === 1 ? [basket.channels[0]!.id] : []}
                      error={errors[fieldName]}
                      choices={basket.channels.map((channel) => {
                        const provider = t(PROVIDER_KEYS[channel.provider]);
                        return { value: channel.id, label: channel.mode === 'test' ? t('provider.testMode', { provider }) : provider };
                      })}
                    />
                    <Button icon="fr-icon-lock-line">{t('basket.pay')}</Button>
                  </form>
                )}
              </section>
            );
          })}
        </>
      )}
      <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-4w">
        <li>
          <ButtonLink href={href(page, PAGES.bookings)} variant="secondary">
            {t('basket.toBookings')}
          </ButtonLink>
        </li>
        <li>
          <ButtonLink href={href(page, PAGES.planning)} variant="secondary">
            {t('bookings.planning')}
          </ButtonLink>
        </li>
      </ul>
    </>
  );
}

/** The form the browser posts to the provider (Systempay, PayZen, TIPI): sent by the page's script, or by its button. */
function DeparturePage(props: { url: string; fields: Record<string, string> }) {
  const { t } = usePage();
  return (
    <>
      <h1>{t('family.pay.departTitle')}</h1>
      <form method="post" action={props.url} data-auto-submit>
        {Object.entries(props.fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} key={name} />
        ))}
        <Button icon="fr-icon-lock-line">{t('family.pay.departButton')}</Button>
      </form>
    </>
  );
}
