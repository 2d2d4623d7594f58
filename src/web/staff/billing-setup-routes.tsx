import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { countKey, type Translate } from '../../i18n/catalogue.js';
import { listActivities } from '../../modules/activities/activity-admin.js';
import {
  DEFAULT_QF_VALIDITY_MONTHS,
  householdsWithoutValidQuotient,
  QF_SOURCES,
  setQuotient,
  type HouseholdWithoutQuotient,
} from '../../modules/billing/quotients.js';
import { findRegie, listRegies, saveRegie, type Regie, type RegieField } from '../../modules/billing/regies.js';
import {
  addTariff,
  BRACKET_ROWS,
  removeTariff,
  tariffBook,
  TARIFF_KINDS,
  type StoredTariff,
  type TariffBookActivity,
  type TariffField,
} from '../../modules/billing/tariffs.js';
import { tenantToday } from '../../modules/calendar/local-date.js';
import { householdName } from '../../modules/households/household-overview.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { DateInput, Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Table } from '../components/dsfr/table.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { Form, formList, formValues, Id, Text } from '../page-input.js';
import { billingErrorMessages } from './billing-common.js';
import { BILLING_PATH } from './billing-run-routes.js';
import { useCanChange } from './staff-access.js';

const REGIES_PATH = `${BILLING_PATH}/regies`;
const TARIFFS_PATH = `${BILLING_PATH}/tarifs`;
const QUOTIENTS_PATH = `${BILLING_PATH}/quotients`;
const Notice = Type.Object({ fait: Type.Optional(Text) });

/**
 * What billing is set up with: the régies (administrators), the tariffs of each unit (managers),
 * and the quotients familiaux of the households (managers), with the list of those who have none valid.
 */
export function staffBillingSetupRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(REGIES_PATH, { preHandler: requireStaff(), schema: { querystring: Notice } }, async (request, reply) => {
      const regies = await request.inScope((scope) => listRegies(scope));
      return reply.page(request.t('billing.regies.title'), <RegieList regies={regies} saved={request.query.fait === 'enregistree'} />);
    });

    const regieForm = async (request: { inScope: import('fastify').FastifyRequest['inScope'] }, regieId: string | null) =>
      request.inScope(async (scope) => ({ regie: regieId ? await findRegie(scope, regieId) : null, activities: await listActivities(scope) }));

    app.get(`${REGIES_PATH}/nouvelle`, { preHandler: requireStaff('admin') }, async (request, reply) => {
      const { activities } = await regieForm(request, null);
      return reply.page(
        request.t('billing.regie.new'),
        <RegieForm regie={null} activities={activities} values={{ conditions: '30', relances: '15 30' }} errors={{}} />,
      );
    });

    app.get(`${REGIES_PATH}/:regieId`, { preHandler: requireStaff('admin'), schema: { params: Type.Object({ regieId: Id }) } }, async (request, reply) => {
      const { regie, activities } = await regieForm(request, request.params.regieId);
      if (!regie) return reply.callNotFound();
      return reply.page(regie.name, <RegieForm regie={regie} activities={activities} values={regieValues(regie)} errors={{}} />);
    });

    app.post(
      `${REGIES_PATH}/:regieId?`,
      { preHandler: requireStaff('admin'), schema: { params: Type.Object({ regieId: Type.Optional(Id) }), body: Form } },
      async (request, reply) => {
        const form = formValues(request.body);
        const regieId = request.params.regieId ?? null;
        const result = await request.inScope((scope) =>
          saveRegie(scope, regieId, {
            name: form.nom,
            invoicePrefix: form.prefixe,
            paymentTermsDays: form.conditions,
            reminderDays: form.relances,
            bankHolder: form.titulaire,
            iban: form.iban,
            bic: form.bic,
            paymentInstructions: form.instructions,
            payfipNumcli: form.numcli,
            basketHoldMinutes: form.panier,
            activityIds: formList(request.body, 'activite'),
            paidAtBookingIds: formList(request.body, 'prepaye'),
          }),
        );
        if (result.kind === 'saved') return reply.redirect(`${request.base}${REGIES_PATH}?fait=enregistree`);
        if (result.kind !== 'invalid') return reply.callNotFound();
        const { regie, activities } = await regieForm(request, regieId);
        return reply.page(
          request.t('billing.regie.new'),
          <RegieForm
            regie={regie}
            activities={activities}
            values={{ ...form, activites: formList(request.body, 'activite').join(','), prepayes: formList(request.body, 'prepaye').join(',') }}
            errors={regieErrors(request.t, result.errors)}
          />,
          400,
        );
      },
    );

    app.get(TARIFFS_PATH, { preHandler: requireStaff(), schema: { querystring: Notice } }, async (request, reply) => {
      const book = await request.inScope((scope) => tariffBook(scope));
      return reply.page(request.t('billing.tariffs.title'), <TariffBook book={book} notice={request.query.fait} />);
    });

    app.get(`${TARIFFS_PATH}/:unitId`, { preHandler: requireStaff('manager'), schema: { params: Type.Object({ unitId: Id }) } }, async (request, reply) => {
      const unit = await tariffUnit(request, request.params.unitId);
      if (!unit) return reply.callNotFound();
      return reply.page(request.t('billing.tariff.new', { unit: unit.unit.name }), <TariffForm {...unit} values={{ type: 'flat' }} errors={{}} />);
    });

    app.post(
      `${TARIFFS_PATH}/:unitId`,
      { preHandler: requireStaff('manager'), schema: { params: Type.Object({ unitId: Id }), body: Form } },
      async (request, reply) => {
        const form = formValues(request.body);
        const result = await request.inScope((scope) =>
          addTariff(scope, request.params.unitId, {
            effectiveFrom: form.depuis,
            kind: form.type,
            flat: form.prix,
            effortRate: form.taux,
            effortFloor: form.plancher,
            effortCeiling: form.plafond,
            meal: form.repas,
            siblings: form.fratrie,
            nonResidentExtra: form.horsCommune,
            unbooked: form.sansReservation,
            bracketFrom: Array.from({ length: BRACKET_ROWS }, (_, row) => formValues(request.body)[`trancheDe${row}`] ?? ''),
            bracketPrice: Array.from({ length: BRACKET_ROWS }, (_, row) => formValues(request.body)[`tranchePrix${row}`] ?? ''),
          }),
        );
        if (result.kind === 'saved') return reply.redirect(`${request.base}${TARIFFS_PATH}?fait=ajoute`);
        const unit = await tariffUnit(request, request.params.unitId);
        if (!unit || result.kind !== 'invalid') return reply.callNotFound();
        return reply.page(
          request.t('billing.tariff.new', { unit: unit.unit.name }),
          <TariffForm {...unit} values={form} errors={tariffErrors(request.t, result.errors)} />,
          400,
        );
      },
    );

    app.post(
      `${TARIFFS_PATH}/:tariffId/suppression`,
      { preHandler: requireStaff('manager'), schema: { params: Type.Object({ tariffId: Id }), body: Form } },
      async (request, reply) => {
        const result = await request.inScope((scope) => removeTariff(scope, request.params.tariffId));
        if (result === 'not_found' || result === 'forbidden') return reply.callNotFound();
        return reply.redirect(`${request.base}${TARIFFS_PATH}?fait=${result === 'done' ? 'supprime' : 'dejaFacture'}`);
      },
    );

    app.get(QUOTIENTS_PATH, { preHandler: requireStaff() }, async (request, reply) => {
      const tenant = request.tenant!;
      const households = await request.inScope(async (scope) =>
        householdsWithoutValidQuotient(scope, await tenantToday(scope), tenant.settings.qfValidityMonths ?? DEFAULT_QF_VALIDITY_MONTHS),
      );
      return reply.page(
        request.t('billing.quotients.title'),
        <QuotientList households={households} months={tenant.settings.qfValidityMonths ?? DEFAULT_QF_VALIDITY_MONTHS} />,
      );
    });

    app.get('/gestion/foyers/:id/quotient', { preHandler: requireStaff('manager'), schema: { params: Type.Object({ id: Id }) } }, async (request, reply) => {
      const name = await request.inScope((scope) => householdName(scope, request.params.id));
      if (!name) return reply.callNotFound();
      return reply.page(
        request.t('billing.quotient.title', { household: name }),
        <QuotientForm householdId={request.params.id} household={name} values={{}} errors={{}} />,
      );
    });

    app.post(
      '/gestion/foyers/:id/quotient',
      { preHandler: requireStaff('manager'), schema: { params: Type.Object({ id: Id }), body: Form } },
      async (request, reply) => {
        const form = formValues(request.body);
        const { result, name } = await request.inScope(async (scope) => ({
          result: await setQuotient(scope, request.params.id, { qf: form.qf, dated: form.date, source: form.source }, await tenantToday(scope)),
          name: await householdName(scope, request.params.id),
        }));
        if (result.kind === 'saved') return reply.redirect(`${request.base}/gestion/foyers/${request.params.id}`);
        if (result.kind !== 'invalid' || !name) return reply.callNotFound();
        return reply.page(
          request.t('billing.quotient.title', { household: name }),
          <QuotientForm
            householdId={request.params.id}
            household={name}
            values={form}
            errors={billingErrorMessages(request.t, { qf: result.errors.qf, date: result.errors.dated, source: result.errors.source })}
          />,
          400,
        );
      },
    );
  };
}

async function tariffUnit(request: { inScope: import('fastify').FastifyRequest['inScope'] }, unitId: string) {
  const book = await request.inScope((scope) => tariffBook(scope));
  for (const activity of book) {
    const unit = activity.units.find((candidate) => candidate.id === unitId);
    if (unit) return { activity, unit };
  }
  return null;
}

function regieValues(regie: Regie): Record<string, string> {
  return {
    nom: regie.name,
    prefixe: regie.invoicePrefix,
    conditions: String(regie.paymentTermsDays),
    relances: regie.reminderDays.join(' '),
    titulaire: regie.bankHolder ?? '',
    iban: regie.iban ?? '',
    bic: regie.bic ?? '',
    instructions: regie.paymentInstructions ?? '',
    numcli: regie.payfipNumcli ?? '',
    panier: String(regie.basketHoldMinutes),
    activites: regie.activities.map((activity) => activity.id).join(','),
    prepayes: regie.activities
      .filter((activity) => activity.paidAtBooking)
      .map((activity) => activity.id)
      .join(','),
  };
}

const REGIE_FIELDS: Record<RegieField, string> = {
  name: 'nom',
  invoicePrefix: 'prefixe',
  paymentTermsDays: 'conditions',
  reminderDays: 'relances',
  bankHolder: 'titulaire',
  iban: 'iban',
  bic: 'bic',
  paymentInstructions: 'instructions',
  payfipNumcli: 'numcli',
  basketHoldMinutes: 'panier',
  activityIds: 'activite',
  paidAtBookingIds: 'prepaye',
};

function regieErrors(t: Translate, errors: Parameters<typeof billingErrorMessages<RegieField>>[1]): Record<string, string | undefined> {
  const messages = billingErrorMessages(t, errors);
  return Object.fromEntries(Object.entries(messages).map(([field, message]) => [REGIE_FIELDS[field as RegieField], message]));
}

const TARIFF_FIELDS: Record<TariffField, string> = {
  effectiveFrom: 'depuis',
  kind: 'type',
  flat: 'prix',
  brackets: 'tranches',
  effortRate: 'taux',
  effortFloor: 'plancher',
  effortCeiling: 'plafond',
  meal: 'repas',
  siblings: 'fratrie',
  nonResidentExtra: 'horsCommune',
  unbooked: 'sansReservation',
};

function tariffErrors(
  t: Translate,
  errors: Parameters<typeof billingErrorMessages<TariffField>>[1] & { bracketRows?: number[] },
): Record<string, string | undefined> {
  const { bracketRows: _rows, ...fields } = errors;
  const messages = billingErrorMessages(t, fields);
  return Object.fromEntries(Object.entries(messages).map(([field, message]) => [TARIFF_FIELDS[field as TariffField], message]));
}

function RegieList(props: { regies: Regie[]; saved: boolean }) {
  const page = usePage();
  const { t } = page;
  const isAdmin = page.viewer?.staffRole === 'admin';
  return (
    <>
      <h1>{t('billing.regies.title')}</h1>
      {props.saved && (
        <Alert kind="success" small announce>
          {t('billing.regie.saved')}
        </Alert>
      )}
      <p>{t('billing.regies.intro')}</p>
      {isAdmin && (
        <p>
          <ButtonLink href={href(page, `${REGIES_PATH}/nouvelle`)} icon="fr-icon-add-line">
            {t('billing.regie.new')}
          </ButtonLink>
        </p>
      )}
      {props.regies.length === 0 ? (
        <p>{t('billing.regies.none')}</p>
      ) : (
        <Table caption={t('billing.regies.title')} noCaption focusableId="regies-caption">
          <thead>
            <tr>
              <th scope="col">{t('billing.regie.name')}</th>
              <th scope="col">{t('billing.regie.prefix')}</th>
              <th scope="col">{t('billing.regie.terms')}</th>
              <th scope="col">{t('billing.regie.activities')}</th>
            </tr>
          </thead>
          <tbody>
            {props.regies.map((regie) => (
              <tr key={regie.id}>
                <th scope="row">{isAdmin ? <a href={href(page, `${REGIES_PATH}/${regie.id}`)}>{regie.name}</a> : regie.name}</th>
                <td>{regie.invoicePrefix}</td>
                <td>{t(countKey('billing.regie.termsValue', regie.paymentTermsDays), { days: regie.paymentTermsDays })}</td>
                <td>{regie.activities.map((activity) => activity.name).join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}

function RegieForm(props: {
  regie: Regie | null;
  activities: { id: string; name: string }[];
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
}) {
  const page = usePage();
  const { t } = page;
  const chosen = new Set((props.values.activites ?? '').split(','));
  const prepaid = new Set((props.values.prepayes ?? '').split(','));
  const labels: Record<string, string> = {
    nom: t('billing.regie.name'),
    prefixe: t('billing.regie.prefix'),
    conditions: t('billing.regie.terms'),
    relances: t('billing.regie.reminders'),
    titulaire: t('billing.regie.holder'),
    iban: 'IBAN',
    bic: 'BIC',
    instructions: t('billing.regie.instructions'),
    numcli: t('billing.regie.numcli'),
    activite: t('billing.regie.activities'),
    panier: t('staff.regie.basketHold'),
    prepaye: t('staff.activity.paidAtBooking'),
  };
  return (
    <>
      <p>
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, REGIES_PATH)}>
          {t('billing.regies.title')}
        </a>
      </p>
      <h1>{props.regie ? props.regie.name : t('billing.regie.new')}</h1>
      {props.regie && (
        <p>
          <a class="fr-link fr-icon-bank-card-line fr-link--icon-left" href={href(page, `${REGIES_PATH}/${props.regie.id}/paiement-en-ligne`)}>
            {t('onlinePayment.setup.title', { regie: props.regie.name })}
          </a>
        </p>
      )}
      <ErrorSummary errors={props.errors} labels={labels} />
      <form method="post" action={href(page, props.regie ? `${REGIES_PATH}/${props.regie.id}` : REGIES_PATH)} novalidate class="fr-col-12 fr-col-md-8">
        <CsrfField />
        <Input name="nom" label={labels.nom!} required value={props.values.nom} error={props.errors.nom} maxLength={120} />
        <Input
          name="prefixe"
          label={labels.prefixe!}
          hint={t('billing.regie.prefixHint')}
          required
          value={props.values.prefixe}
          error={props.errors.prefixe}
          maxLength={8}
        />
        <Input
          name="conditions"
          label={labels.conditions!}
          hint={t('billing.regie.termsHint')}
          inputMode="numeric"
          value={props.values.conditions}
          error={props.errors.conditions}
        />
        <Input name="relances" label={labels.relances!} hint={t('billing.regie.remindersHint')} value={props.values.relances} error={props.errors.relances} />
        <Input name="titulaire" label={labels.titulaire!} value={props.values.titulaire} error={props.errors.titulaire} />
        <Input name="iban" label={labels.iban!} value={props.values.iban} error={props.errors.iban} />
        <Input name="bic" label={labels.bic!} value={props.values.bic} error={props.errors.bic} />
        <Textarea
          name="instructions"
          label={labels.instructions!}
          hint={t('billing.regie.instructionsHint')}
          value={props.values.instructions}
          error={props.errors.instructions}
          rows={3}
        />
        <Input
          name="numcli"
          label={labels.numcli!}
          hint={t('billing.regie.numcliHint')}
          inputMode="numeric"
          value={props.values.numcli}
          error={props.errors.numcli}
        />
        <fieldset class="fr-fieldset" aria-labelledby="activities-legend">
          <legend class="fr-fieldset__legend" id="activities-legend">
            {labels.activite}
          </legend>
          {props.errors.activite && <p class="fr-error-text fr-fieldset__element">{props.errors.activite}</p>}
          {props.activities.map((activity) => (
            <div class="fr-fieldset__element" key={activity.id}>
              <div class="fr-checkbox-group">
                <input type="checkbox" id={`activite-${activity.id}`} name="activite" value={activity.id} checked={chosen.has(activity.id)} />
                <label class="fr-label" for={`activite-${activity.id}`}>
                  {activity.name}
                </label>
              </div>
            </div>
          ))}
        </fieldset>
        <fieldset class="fr-fieldset" aria-labelledby="prepaid-legend">
          <legend class="fr-fieldset__legend" id="prepaid-legend">
            {labels.prepaye}
            <span class="fr-hint-text">{t('staff.activity.paidAtBookingHint')}</span>
          </legend>
          {props.errors.prepaye && <p class="fr-error-text fr-fieldset__element">{props.errors.prepaye}</p>}
          {props.activities.map((activity) => (
            <div class="fr-fieldset__element" key={activity.id}>
              <div class="fr-checkbox-group">
                <input type="checkbox" id={`prepaye-${activity.id}`} name="prepaye" value={activity.id} checked={prepaid.has(activity.id)} />
                <label class="fr-label" for={`prepaye-${activity.id}`}>
                  {activity.name}
                </label>
              </div>
            </div>
          ))}
        </fieldset>
        <Input
          name="panier"
          label={labels.panier!}
          hint={t('staff.regie.basketHoldHint')}
          inputMode="numeric"
          value={props.values.panier ?? '15'}
          error={props.errors.panier}
        />
        <Button icon="fr-icon-save-line">{t('billing.save')}</Button>
      </form>
    </>
  );
}

function TariffBook(props: { book: TariffBookActivity[]; notice: string | undefined }) {
  const page = usePage();
  const { t } = page;
  const canChange = useCanChange();
  return (
    <>
      <h1>{t('billing.tariffs.title')}</h1>
      {props.notice === 'ajoute' && (
        <Alert kind="success" small announce>
          {t('billing.tariff.added')}
        </Alert>
      )}
      {props.notice === 'supprime' && (
        <Alert kind="success" small announce>
          {t('billing.tariff.removed')}
        </Alert>
      )}
      {props.notice === 'dejaFacture' && (
        <Alert kind="error" small announce>
          {t('billing.error.alreadyBilled')}
        </Alert>
      )}
      <p>{t('billing.tariffs.intro')}</p>
      {props.book.map((activity) => (
        <section key={activity.id} class="fr-mb-4w">
          <h2>{activity.name}</h2>
          <p>{activity.regieName ? t('billing.tariffs.billedBy', { regie: activity.regieName }) : t('billing.tariffs.noRegie')}</p>
          <Table caption={t('billing.tariffs.of', { activity: activity.name })} noCaption focusableId={`tariffs-${activity.id}`}>
            <thead>
              <tr>
                <th scope="col">{t('billing.unit')}</th>
                <th scope="col">{t('billing.tariff.from')}</th>
                <th scope="col">{t('billing.tariff.price')}</th>
                <th scope="col">{t('billing.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {activity.units.flatMap((unit) => {
                // A tariff a row, under its unit's name: each price on the line of its date and of its removal.
                const rows = unit.tariffs.length === 0 ? [null] : unit.tariffs;
                return rows.map((tariff, index) => (
                  <tr key={tariff?.id ?? unit.id}>
                    {index === 0 && (
                      <th scope="row" rowSpan={rows.length}>
                        {unit.name}
                      </th>
                    )}
                    <td>{tariff ? page.fmt.day(tariff.effectiveFrom) : t('billing.tariffs.none')}</td>
                    <td class="pf-wrap">{tariff && <TariffSummary tariff={tariff} />}</td>
                    <td>
                      {canChange && (
                        <ul class="pf-plain-list">
                          {index === 0 && (
                            <li>
                              <a class="fr-link" href={href(page, `${TARIFFS_PATH}/${unit.id}`)}>
                                {t('billing.tariff.add')}
                                <span class="fr-sr-only"> — {unit.name}</span>
                              </a>
                            </li>
                          )}
                          {tariff && (
                            <li>
                              <form method="post" action={href(page, `${TARIFFS_PATH}/${tariff.id}/suppression`)} class="pf-inline-form">
                                <CsrfField />
                                <Button variant="tertiary-no-outline" class="fr-btn--sm fr-px-0">
                                  {t('billing.tariff.remove', { from: page.fmt.day(tariff.effectiveFrom) })}
                                  <span class="fr-sr-only"> — {unit.name}</span>
                                </Button>
                              </form>
                            </li>
                          )}
                        </ul>
                      )}
                    </td>
                  </tr>
                ));
              })}
            </tbody>
          </Table>
        </section>
      ))}
    </>
  );
}

function TariffSummary(props: { tariff: StoredTariff }) {
  const { t, fmt } = usePage();
  const { tariff } = props;
  const care =
    tariff.kind === 'flat'
      ? fmt.money(tariff.flatCents ?? 0)
      : tariff.kind === 'qf_brackets'
        ? tariff.brackets.map((bracket) => t('billing.tariff.bracket', { from: bracket.qfMin, price: fmt.money(bracket.careCents) })).join(' ; ')
        : t('billing.tariff.effort', {
            rate: ((tariff.effortRateBps ?? 0) / 100).toLocaleString('fr-FR'),
            floor: fmt.money(tariff.effortFloorCents ?? 0),
            ceiling: fmt.money(tariff.effortCeilingCents ?? 0),
          });
  return (
    <>
      {care}
      {tariff.mealCents > 0 && ` + ${t('billing.tariff.mealPart', { price: fmt.money(tariff.mealCents) })}`}
      {tariff.siblingPercents.some((percent) => percent > 0) && ` — ${t('billing.tariff.siblingsValue', { percents: tariff.siblingPercents.join(' / ') })}`}
      {tariff.nonResidentExtraCents > 0 && ` — ${t('billing.tariff.nonResidentValue', { price: fmt.money(tariff.nonResidentExtraCents) })}`}
      {tariff.unbookedCents !== null && ` — ${t('billing.tariff.unbookedValue', { price: fmt.money(tariff.unbookedCents) })}`}
    </>
  );
}

function TariffForm(props: {
  activity: TariffBookActivity;
  unit: { id: string; name: string };
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
}) {
  const page = usePage();
  const { t } = page;
  const labels: Record<string, string> = {
    depuis: t('billing.tariff.from'),
    type: t('billing.tariff.kind'),
    prix: t('billing.tariff.flat'),
    tranches: t('billing.tariff.brackets'),
    taux: t('billing.tariff.rate'),
    plancher: t('billing.tariff.floor'),
    plafond: t('billing.tariff.ceiling'),
    repas: t('billing.tariff.meal'),
    fratrie: t('billing.tariff.siblings'),
    horsCommune: t('billing.tariff.nonResident'),
    sansReservation: t('billing.tariff.unbooked'),
  };
  return (
    <>
      <p>
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, TARIFFS_PATH)}>
          {t('billing.tariffs.title')}
        </a>
      </p>
      <h1>{t('billing.tariff.new', { unit: props.unit.name })}</h1>
      <p>{props.activity.name}</p>
      <ErrorSummary errors={props.errors} labels={labels} />
      <form method="post" action={href(page, `${TARIFFS_PATH}/${props.unit.id}`)} novalidate class="fr-col-12 fr-col-md-8">
        <CsrfField />
        <DateInput name="depuis" label={labels.depuis!} hint={t('billing.tariff.fromHint')} required value={props.values.depuis} error={props.errors.depuis} />
        <Select
          name="type"
          label={labels.type!}
          required
          value={props.values.type}
          error={props.errors.type}
          options={TARIFF_KINDS.map((kind) => ({ value: kind, label: t(`billing.tariffKind.${kind}`) }))}
        />
        <Input name="prix" label={labels.prix!} hint={t('billing.tariff.flatHint')} value={props.values.prix} error={props.errors.prix} />
        <fieldset class="fr-fieldset" aria-labelledby="brackets-legend">
          <legend class="fr-fieldset__legend" id="brackets-legend">
            {labels.tranches}
          </legend>
          <p class="fr-hint-text fr-fieldset__element">{t('billing.tariff.bracketsHint')}</p>
          {props.errors.tranches && <p class="fr-error-text fr-fieldset__element">{props.errors.tranches}</p>}
          {/* A bracket a line, its quotient and its price side by side. */}
          {Array.from({ length: BRACKET_ROWS }, (_, row) => (
            <div class="fr-fieldset__element" key={row}>
              <div class="fr-grid-row fr-grid-row--gutters">
                <div class="fr-col-6">
                  <Input
                    name={`trancheDe${row}`}
                    label={t('billing.tariff.bracketFrom', { row: row + 1 })}
                    inputMode="numeric"
                    value={props.values[`trancheDe${row}`]}
                  />
                </div>
                <div class="fr-col-6">
                  <Input name={`tranchePrix${row}`} label={t('billing.tariff.bracketPrice', { row: row + 1 })} value={props.values[`tranchePrix${row}`]} />
                </div>
              </div>
            </div>
          ))}
        </fieldset>
        <Input name="taux" label={labels.taux!} hint={t('billing.tariff.rateHint')} value={props.values.taux} error={props.errors.taux} />
        <Input name="plancher" label={labels.plancher!} value={props.values.plancher} error={props.errors.plancher} />
        <Input name="plafond" label={labels.plafond!} value={props.values.plafond} error={props.errors.plafond} />
        <Input name="repas" label={labels.repas!} hint={t('billing.tariff.mealHint')} value={props.values.repas} error={props.errors.repas} />
        <Input name="fratrie" label={labels.fratrie!} hint={t('billing.tariff.siblingsHint')} value={props.values.fratrie} error={props.errors.fratrie} />
        <Input name="horsCommune" label={labels.horsCommune!} value={props.values.horsCommune} error={props.errors.horsCommune} />
        <Input
          name="sansReservation"
          label={labels.sansReservation!}
          hint={t('billing.tariff.unbookedHint')}
          value={props.values.sansReservation}
          error={props.errors.sansReservation}
        />
        <Button icon="fr-icon-save-line">{t('billing.save')}</Button>
      </form>
    </>
  );
}

function QuotientList(props: { households: HouseholdWithoutQuotient[]; months: number }) {
  const page = usePage();
  const { t, fmt } = page;
  const canChange = useCanChange();
  return (
    <>
      <h1>{t('billing.quotients.title')}</h1>
      <p>{t('billing.quotients.intro', { months: props.months })}</p>
      {props.households.length === 0 ? (
        <p>{t('billing.quotients.none')}</p>
      ) : (
        <Table caption={t('billing.quotients.title')} noCaption focusableId="quotients-caption">
          <thead>
            <tr>
              <th scope="col">{t('billing.household')}</th>
              <th scope="col">{t('billing.quotient.qf')}</th>
              <th scope="col">{t('billing.quotient.date')}</th>
              <th scope="col">{t('billing.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {props.households.map((household) => (
              <tr key={household.id}>
                <th scope="row">
                  <a href={href(page, `/gestion/foyers/${household.id}`)}>{household.name}</a> ({household.familyNumber})
                </th>
                <td>{household.qf ?? '—'}</td>
                <td>{household.dated ? fmt.day(household.dated) : '—'}</td>
                <td>
                  {canChange && (
                    <a class="fr-link" href={href(page, `/gestion/foyers/${household.id}/quotient`)}>
                      {t('billing.quotient.set')}
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}

function QuotientForm(props: { householdId: string; household: string; values: Record<string, string>; errors: Record<string, string | undefined> }) {
  const page = usePage();
  const { t } = page;
  const labels = { qf: t('billing.quotient.qf'), date: t('billing.quotient.date'), source: t('billing.quotient.source') };
  return (
    <>
      <p>
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, `/gestion/foyers/${props.householdId}`)}>
          {props.household}
        </a>
      </p>
      <h1>{t('billing.quotient.title', { household: props.household })}</h1>
      <ErrorSummary errors={props.errors} labels={labels} />
      <form method="post" action={href(page, `/gestion/foyers/${props.householdId}/quotient`)} novalidate class="fr-col-12 fr-col-md-6">
        <CsrfField />
        <Input name="qf" label={labels.qf} inputMode="numeric" required value={props.values.qf} error={props.errors.qf} />
        <DateInput name="date" label={labels.date} hint={t('billing.dateHint')} required value={props.values.date} error={props.errors.date} />
        <Select
          name="source"
          label={labels.source}
          required
          value={props.values.source}
          error={props.errors.source}
          options={[{ value: '', label: '—' }, ...QF_SOURCES.map((source) => ({ value: source, label: t(`billing.qfSource.${source}`) }))]}
        />
        <Button icon="fr-icon-save-line">{t('billing.save')}</Button>
      </form>
    </>
  );
}
