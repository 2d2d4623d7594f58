import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { countKey, type MessageKey, type Translate } from '../../i18n/catalogue.js';
import { listRegies } from '../../modules/billing/regies.js';
import { ATTEMPTS_PER_PAGE, type AttemptDetail, type AttemptSummary, attemptDetail, listAttempts } from '../../modules/online-payment/attempt-list.js';
import { recheckAttempt } from '../../modules/online-payment/attempts.js';
import {
  type ChannelError,
  type ChannelField,
  type ChannelSetup,
  onlinePaymentSetup,
  PROVIDER_RULES,
  saveChannelForm,
  setPartialPayments,
} from '../../modules/online-payment/channels.js';
import { type AttemptState, PROVIDERS, type ProviderKind } from '../../modules/online-payment/online-payment.tables.js';
import type { Services } from '../../services.js';
import { Facts } from '../components/facts.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { ChoiceGroup } from '../components/dsfr/choice-group.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Table } from '../components/dsfr/table.js';
import { StatusBadge } from '../components/status-badge.js';
import { PROVIDER_KEYS } from '../family/online-payment-routes.js';
import { errorMessages, FIELD_ERROR_KEYS, underFormNames } from '../forms.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { Form, formValues, Id, IdChoice, Text } from '../page-input.js';
import { BILLING_PATH } from './billing-run-routes.js';
import { useCanChange } from './staff-access.js';

export const ONLINE_PAYMENTS_PATH = `${BILLING_PATH}/paiements-en-ligne`;

/** A régie's online payment set-up page. */
export function onlineSetupPath(regieId: string): string {
  return `${BILLING_PATH}/regies/${encodeURIComponent(regieId)}/paiement-en-ligne`;
}

const STATES = ['pending', 'paid', 'refused', 'abandoned', 'expired'] as const satisfies readonly AttemptState[];
const STATE_TONES = { pending: 'new', paid: 'success', refused: 'error', abandoned: 'warning', expired: 'info' } as const;

const RegieParams = Type.Object({ regieId: Id });
const AttemptParams = Type.Object({ attemptId: Id });
const SetupQuery = Type.Object({ fait: Type.Optional(Text) });
const AttemptsQuery = Type.Object({
  etat: Type.Optional(Type.Union([...STATES.map((state) => Type.Literal(state)), Type.Literal('')])),
  regie: Type.Optional(IdChoice),
  moyen: Type.Optional(Type.Union([...PROVIDERS.map((provider) => Type.Literal(provider)), Type.Literal('')])),
  page: Type.Optional(Type.String({ pattern: '^\\d{1,4}$' })),
});
const AttemptQuery = Type.Object({ verifie: Type.Optional(Text) });

/** The form's field names for the module's fields. */
const FIELDS: Record<ChannelField, string> = {
  provider: 'prestataire',
  mode: 'mode',
  merchantId: 'identifiant',
  endpoint: 'adresse',
  testKey: 'cleTest',
  productionKey: 'cleProduction',
};

/**
 * Online payment in the back office: a régie's providers (administrators), and the attempts with
 * everything heard about each (all staff see; managers ask the provider again).
 */
export function staffOnlinePaymentRoutes(services: Services): FastifyPluginAsyncTypebox {
  const secrets = { secret: services.config.secret };
  return async (app) => {
    const setupOf = (request: { inScope: import('fastify').FastifyRequest['inScope'] }, regieId: string) =>
      request.inScope((scope) => onlinePaymentSetup(scope, regieId, secrets));

    app.get(
      `${BILLING_PATH}/regies/:regieId/paiement-en-ligne`,
      { preHandler: requireStaff('admin'), schema: { params: RegieParams, querystring: SetupQuery } },
      async (request, reply) => {
        const setup = await setupOf(request, request.params.regieId);
        if (!setup) return reply.callNotFound();
        return reply.page(
          request.t('onlinePayment.setup.title', { regie: setup.regieName }),
          <SetupPage regieId={request.params.regieId} setup={setup} values={{ mode: 'test', actif: 'oui' }} errors={{}} notice={request.query.fait} />,
        );
      },
    );

    app.post(
      `${BILLING_PATH}/regies/:regieId/paiement-en-ligne`,
      { preHandler: requireStaff('admin'), schema: { params: RegieParams, body: Form } },
      async (request, reply) => {
        const form = formValues(request.body);
        const { regieId } = request.params;
        const result = await request.inScope((scope) =>
          saveChannelForm(
            scope,
            regieId,
            {
              provider: form.prestataire,
              mode: form.mode,
              merchantId: form.identifiant,
              endpoint: form.adresse,
              testKey: form.cleTest,
              productionKey: form.cleProduction,
              enabled: form.actif === 'oui',
            },
            secrets,
          ),
        );
        if (result.kind === 'not_found') return reply.callNotFound();
        if (result.kind === 'forbidden') return reply.errorPage('forbidden');
        if (result.kind === 'saved') return reply.redirect(`${request.base}${onlineSetupPath(regieId)}?fait=prestataire`);
        const setup = (await setupOf(request, regieId))!;
        // Keys typed are never sent back into the page.
        const { cleTest: _, cleProduction: __, ...kept } = form;
        return reply.page(
          request.t('onlinePayment.setup.title', { regie: setup.regieName }),
          <SetupPage
            regieId={regieId}
            setup={setup}
            values={kept}
            errors={underFormNames(errorMessages(request.t, result.errors, CHANNEL_ERROR_KEYS), FIELDS)}
          />,
          400,
        );
      },
    );

    app.post(
      `${BILLING_PATH}/regies/:regieId/paiement-en-ligne/partiel`,
      { preHandler: requireStaff('admin'), schema: { params: RegieParams, body: Form } },
      async (request, reply) => {
        const allowed = formValues(request.body).partiel === 'oui';
        const done = await request.inScope((scope) => setPartialPayments(scope, request.params.regieId, allowed));
        if (done === 'not_found') return reply.callNotFound();
        if (done === 'forbidden') return reply.errorPage('forbidden');
        return reply.redirect(`${request.base}${onlineSetupPath(request.params.regieId)}?fait=partiel`);
      },
    );

    app.get(ONLINE_PAYMENTS_PATH, { preHandler: requireStaff(), schema: { querystring: AttemptsQuery } }, async (request, reply) => {
      const { etat, regie, moyen, page } = request.query;
      const pageNumber = Number(page ?? '1') || 1;
      const data = await request.inScope(async (scope) => ({
        regies: await listRegies(scope),
        list: await listAttempts(scope, { state: etat || undefined, regieId: regie || undefined, provider: moyen || undefined, page: pageNumber }),
      }));
      return reply.page(request.t('onlinePayment.attempts.title'), <AttemptsPage {...data} query={request.query} page={pageNumber} />);
    });

    app.get(
      `${ONLINE_PAYMENTS_PATH}/:attemptId`,
      { preHandler: requireStaff(), schema: { params: AttemptParams, querystring: AttemptQuery } },
      async (request, reply) => {
        const attempt = await request.inScope((scope) => attemptDetail(scope, request.params.attemptId));
        if (!attempt) return reply.callNotFound();
        return reply.page(
          request.t('onlinePayment.attempt.title', { reference: attempt.reference }),
          <AttemptPage attempt={attempt} rechecked={request.query.verifie} />,
        );
      },
    );

    app.post(
      `${ONLINE_PAYMENTS_PATH}/:attemptId/verifier`,
      { preHandler: requireStaff('manager'), schema: { params: AttemptParams } },
      async (request, reply) => {
        const verdict = await recheckAttempt((work) => request.inScope(work), request.params.attemptId, { ...secrets, publicBase: request.publicBase });
        if (verdict === 'forbidden') return reply.errorPage('forbidden');
        const path = `${ONLINE_PAYMENTS_PATH}/${encodeURIComponent(request.params.attemptId)}`;
        return reply.redirect(`${request.base}${path}?verifie=${encodeURIComponent(verdict ?? 'sans-interrogation')}`);
      },
    );
  };
}

const CHANNEL_ERROR_KEYS: Record<ChannelError, MessageKey> = {
  ...FIELD_ERROR_KEYS,
  merchantId: 'onlinePayment.error.merchantId',
  endpoint: 'onlinePayment.error.endpoint',
  keyMissing: 'onlinePayment.error.keyMissing',
};

function providerName(t: Translate, provider: ProviderKind): string {
  return t(PROVIDER_KEYS[provider]);
}

function SetupPage(props: {
  regieId: string;
  setup: NonNullable<Awaited<ReturnType<typeof onlinePaymentSetup>>>;
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
  notice?: string | undefined;
}) {
  const page = usePage();
  const { t } = page;
  const { setup, values, errors } = props;
  const labels = {
    prestataire: t('onlinePayment.setup.provider'),
    mode: t('onlinePayment.setup.mode'),
    identifiant: t('onlinePayment.setup.merchantId'),
    adresse: t('onlinePayment.setup.endpoint'),
    cleTest: t('onlinePayment.setup.testKey'),
    cleProduction: t('onlinePayment.setup.productionKey'),
  };
  const action = href(page, onlineSetupPath(props.regieId));
  return (
    <>
      <p class="fr-mb-2w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, `${BILLING_PATH}/regies/${props.regieId}`)}>
          {t('onlinePayment.setup.back')}
        </a>
      </p>
      <h1>{t('onlinePayment.setup.title', { regie: setup.regieName })}</h1>
      {props.notice === 'prestataire' && (
        <Alert kind="success" small announce>
          {t('onlinePayment.setup.saved')}
        </Alert>
      )}
      {props.notice === 'partiel' && (
        <Alert kind="success" small announce>
          {t('onlinePayment.setup.partialSaved')}
        </Alert>
      )}
      <p>{t('onlinePayment.setup.intro')}</p>
      {setup.channels.length === 0 ? <p>{t('onlinePayment.setup.none')}</p> : <ChannelTable channels={setup.channels} />}

      <h2 class="fr-mt-4w">{t('onlinePayment.setup.partial')}</h2>
      <form method="post" action={`${action}/partiel`}>
        <CsrfField />
        <div class="fr-checkbox-group fr-mb-2w">
          <input type="checkbox" id="partiel" name="partiel" value="oui" checked={setup.partialAllowed} />
          <label class="fr-label" for="partiel">
            {t('onlinePayment.setup.partialLabel')}
          </label>
        </div>
        <Button variant="secondary">{t('onlinePayment.setup.partialSave')}</Button>
      </form>

      <h2 class="fr-mt-4w">{t('onlinePayment.setup.add')}</h2>
      <ErrorSummary errors={errors} labels={labels} />
      <form method="post" action={action} novalidate autocomplete="off">
        <CsrfField />
        <Select
          name="prestataire"
          label={labels.prestataire}
          required
          value={values.prestataire ?? ''}
          error={errors.prestataire}
          options={[{ value: '', label: '—' }, ...PROVIDERS.map((provider) => ({ value: provider, label: providerName(t, provider) }))]}
        />
        <ChoiceGroup
          type="radio"
          name="mode"
          legend={labels.mode}
          chosen={[values.mode ?? '']}
          error={errors.mode}
          choices={[
            { value: 'test', label: t('onlinePayment.setup.mode.test') },
            { value: 'production', label: t('onlinePayment.setup.mode.production') },
          ]}
        />
        <Input
          name="identifiant"
          label={labels.identifiant}
          hint={t('onlinePayment.setup.merchantIdHint')}
          required
          value={values.identifiant}
          error={errors.identifiant}
          inputMode="numeric"
        />
        <Input name="adresse" label={labels.adresse} hint={t('onlinePayment.setup.endpointHint')} value={values.adresse} error={errors.adresse} />
        <Input
          name="cleTest"
          label={labels.cleTest}
          hint={t('onlinePayment.setup.keyHint')}
          type="password"
          autocomplete="new-password"
          error={errors.cleTest}
        />
        <Input
          name="cleProduction"
          label={labels.cleProduction}
          hint={t('onlinePayment.setup.keyHint')}
          type="password"
          autocomplete="new-password"
          error={errors.cleProduction}
        />
        <div class="fr-checkbox-group fr-mb-3w">
          <input type="checkbox" id="actif" name="actif" value="oui" checked={values.actif === 'oui'} />
          <label class="fr-label" for="actif">
            {t('onlinePayment.setup.enabled')}
          </label>
        </div>
        <Button>{t('onlinePayment.setup.save')}</Button>
      </form>
    </>
  );
}

function ChannelTable(props: { channels: ChannelSetup[] }) {
  const { t } = usePage();
  return (
    <Table caption={t('onlinePayment.setup.provider')} noCaption focusableId="channels-caption">
      <thead>
        <tr>
          <th scope="col">{t('onlinePayment.setup.provider')}</th>
          <th scope="col">{t('onlinePayment.setup.mode')}</th>
          <th scope="col">{t('onlinePayment.setup.merchantId')}</th>
          <th scope="col">{t('onlinePayment.setup.endpoint')}</th>
          <th scope="col">{t('onlinePayment.setup.keysStored')}</th>
          <th scope="col">{t('onlinePayment.setup.state')}</th>
        </tr>
      </thead>
      <tbody>
        {props.channels.map((channel) => (
          <tr key={channel.id}>
            <th scope="row">{providerName(t, channel.provider)}</th>
            <td>{t(`onlinePayment.setup.mode.${channel.mode}`)}</td>
            <td>{channel.merchantId}</td>
            <td>{channel.endpoint === PROVIDER_RULES[channel.provider].endpoint ? '—' : channel.endpoint}</td>
            <td>
              {channel.keysStored.length > 0
                ? channel.keysStored.map((mode) => t(`onlinePayment.setup.mode.${mode}`)).join(', ')
                : t('onlinePayment.setup.noKeys')}
            </td>
            <td>
              <StatusBadge tone={channel.enabled ? 'success' : 'info'} label={channel.enabled ? 'onlinePayment.setup.on' : 'onlinePayment.setup.off'} />
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function AttemptStateBadge(props: { state: AttemptState }) {
  return <StatusBadge tone={STATE_TONES[props.state]} label={`onlinePayment.state.${props.state}`} />;
}

function AttemptsPage(props: {
  regies: { id: string; name: string }[];
  list: { attempts: AttemptSummary[]; total: number };
  query: { etat?: string; regie?: string; moyen?: string };
  page: number;
}) {
  const page = usePage();
  const { t, fmt } = page;
  const { attempts, total } = props.list;
  const link = (pageNumber: number) => {
    const params = new URLSearchParams({ ...props.query, page: String(pageNumber) });
    return href(page, `${ONLINE_PAYMENTS_PATH}?${params.toString()}`);
  };
  return (
    <>
      <h1>{t('onlinePayment.attempts.title')}</h1>
      <p>{t('onlinePayment.attempts.intro')}</p>
      <form method="get" action={href(page, ONLINE_PAYMENTS_PATH)} class="fr-grid-row fr-grid-row--bottom fr-grid-row--gutters fr-mb-3w">
        <div class="fr-col-12 fr-col-md-3">
          <Select
            name="etat"
            label={t('onlinePayment.attempts.state')}
            value={props.query.etat ?? ''}
            options={[
              { value: '', label: t('onlinePayment.attempts.allStates') },
              ...STATES.map((state) => ({ value: state, label: t(`onlinePayment.state.${state}`) })),
            ]}
          />
        </div>
        <div class="fr-col-12 fr-col-md-3">
          <Select
            name="regie"
            label={t('onlinePayment.attempts.regie')}
            value={props.query.regie ?? ''}
            options={[{ value: '', label: t('onlinePayment.attempts.allRegies') }, ...props.regies.map((regie) => ({ value: regie.id, label: regie.name }))]}
          />
        </div>
        <div class="fr-col-12 fr-col-md-3">
          <Select
            name="moyen"
            label={t('onlinePayment.attempts.provider')}
            value={props.query.moyen ?? ''}
            options={[
              { value: '', label: t('onlinePayment.attempts.allProviders') },
              ...PROVIDERS.map((provider) => ({ value: provider, label: providerName(t, provider) })),
            ]}
          />
        </div>
        <div class="fr-col-12 fr-col-md-3">
          <Button variant="secondary">{t('onlinePayment.attempts.filter')}</Button>
        </div>
      </form>
      <p>{t(countKey('onlinePayment.attempts.count', total), { count: total })}</p>
      {attempts.length === 0 ? (
        <p>{t('onlinePayment.attempts.none')}</p>
      ) : (
        <Table caption={t('onlinePayment.attempts.title')} noCaption focusableId="attempts-caption" class="fr-table--bordered">
          <thead>
            <tr>
              <th scope="col">{t('onlinePayment.attempts.reference')}</th>
              <th scope="col">{t('onlinePayment.attempts.started')}</th>
              <th scope="col">{t('onlinePayment.attempts.household')}</th>
              <th scope="col">{t('onlinePayment.attempts.regie')}</th>
              <th scope="col">{t('onlinePayment.attempts.provider')}</th>
              <th scope="col" class="pf-num">
                {t('onlinePayment.attempts.amount')}
              </th>
              <th scope="col">{t('onlinePayment.attempts.state')}</th>
              <th scope="col">{t('onlinePayment.attempts.receipt')}</th>
            </tr>
          </thead>
          <tbody>
            {attempts.map((attempt) => (
              <tr key={attempt.id}>
                <th scope="row">
                  <a href={href(page, `${ONLINE_PAYMENTS_PATH}/${attempt.id}`)} aria-label={t('onlinePayment.attempts.open', { reference: attempt.reference })}>
                    {attempt.reference}
                  </a>
                </th>
                <td>{fmt.dateTime(attempt.createdAt)}</td>
                <td>{attempt.householdName}</td>
                <td>{attempt.regieName}</td>
                <td>{attempt.mode === 'test' ? t('provider.testMode', { provider: providerName(t, attempt.provider) }) : providerName(t, attempt.provider)}</td>
                <td class="pf-num">{fmt.money(attempt.amountCents)}</td>
                <td>
                  <AttemptStateBadge state={attempt.state} />
                </td>
                <td>{attempt.paymentNumber ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <nav class="fr-mt-2w" aria-label={t('billing.pages')}>
        {props.page > 1 && (
          <a class="fr-link fr-mr-3w" href={link(props.page - 1)}>
            {t('billing.previousPage')}
          </a>
        )}
        {props.page * ATTEMPTS_PER_PAGE < total && (
          <a class="fr-link" href={link(props.page + 1)}>
            {t('billing.nextPage')}
          </a>
        )}
      </nav>
    </>
  );
}

function AttemptPage(props: { attempt: AttemptDetail; rechecked?: string | undefined }) {
  const page = usePage();
  const { t, fmt } = page;
  const { attempt } = props;
  const canChange = useCanChange();
  const facts: [string, string][] = [
    [t('onlinePayment.attempts.household'), attempt.householdName],
    [t('onlinePayment.attempts.regie'), attempt.regieName],
    [
      t('onlinePayment.attempts.provider'),
      attempt.mode === 'test' ? t('provider.testMode', { provider: providerName(t, attempt.provider) }) : providerName(t, attempt.provider),
    ],
    [t('onlinePayment.attempts.amount'), fmt.money(attempt.amountCents)],
    [t('onlinePayment.attempt.payer'), `${attempt.payerName} <${attempt.payerEmail}>`],
    [t('onlinePayment.attempts.started'), fmt.dateTime(attempt.createdAt)],
    [t('onlinePayment.attempt.settled'), attempt.settledAt ? fmt.dateTime(attempt.settledAt) : '—'],
    [t('onlinePayment.attempt.providerRef'), attempt.providerRef ?? '—'],
    [t('onlinePayment.attempts.receipt'), attempt.paymentNumber ?? '—'],
    [t('onlinePayment.attempt.invoices'), attempt.invoices.map((invoice) => `${invoice.number} (${fmt.money(invoice.amountCents)})`).join(', ') || '—'],
  ];
  return (
    <>
      <p class="fr-mb-2w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, ONLINE_PAYMENTS_PATH)}>
          {t('onlinePayment.attempt.back')}
        </a>
      </p>
      <h1>{t('onlinePayment.attempt.title', { reference: attempt.reference })}</h1>
      <div class="fr-mb-3w">
        <AttemptStateBadge state={attempt.state} />
      </div>
      {props.rechecked && (
        <Alert kind="info" small announce>
          {props.rechecked === 'sans-interrogation' ? t('onlinePayment.attempt.noLookup') : t('onlinePayment.attempt.rechecked', { verdict: props.rechecked })}
        </Alert>
      )}
      <dl class="pf-record fr-mb-3w">
        {facts.map(([label, value]) => (
          <div class="pf-record__row" key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {canChange && (
        <form method="post" action={href(page, `${ONLINE_PAYMENTS_PATH}/${attempt.id}/verifier`)} class="fr-mb-4w">
          <CsrfField />
          <Button variant="secondary" icon="fr-icon-refresh-line">
            {t('onlinePayment.attempt.recheck')}
          </Button>
        </form>
      )}
      <h2>{t('onlinePayment.attempt.events')}</h2>
      {attempt.events.length === 0 ? (
        <p>{t('onlinePayment.attempt.noEvents')}</p>
      ) : (
        <ol>
          {attempt.events.map((event, index) => (
            <li key={index} class="fr-mb-2w">
              <p class="fr-mb-1v">
                <strong>{fmt.dateTime(event.at)}</strong> — {t(`onlinePayment.event.${event.kind}`)} — <code>{event.verdict}</code>
              </p>
              <Facts facts={Object.entries(event.raw).map(([name, value]) => [<code key="name">{name}</code>, <code key="value">{value}</code>])} />
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
