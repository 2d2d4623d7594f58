import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ACCOUNT_REQUEST_FIELDS, submitAccountRequest, validateAccountRequest, type AccountRequestField } from '../../modules/households/account-requests.js';
import type { MessageKey } from '../../i18n/catalogue.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { fieldMessages, refusedFields } from '../forms.js';
import { formValues, Text } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import type { AntiRobot } from './anti-robot.js';
import { mailContextOf } from './mail-context.js';

/** Field messages by the form's field names. */
type Errors = Record<string, string | undefined>;

/** The form's field names, French as every form of the portal; the module's fields are English. */
const FORM_NAMES: Record<AccountRequestField, string> = {
  civility: 'civilite',
  firstName: 'prenom',
  lastName: 'nom',
  email: 'courriel',
  phone: 'telephone',
  address: 'adresse',
  postcode: 'code_postal',
  city: 'commune',
  children: 'enfants',
  message: 'message',
};

const LABELS: Record<AccountRequestField, MessageKey> = {
  civility: 'signup.civility',
  firstName: 'signup.firstName',
  lastName: 'signup.lastName',
  email: 'signup.email',
  phone: 'signup.phone',
  address: 'signup.address',
  postcode: 'signup.postcode',
  city: 'signup.city',
  children: 'signup.children',
  message: 'signup.message',
};

/** The request's fields, each a text the module checks, and the anti-robot widget's answer. */
const AccountRequestForm = Type.Object({
  ...Object.fromEntries(ACCOUNT_REQUEST_FIELDS.map((field) => [FORM_NAMES[field], Type.Optional(Text)])),
  altcha: Type.Optional(Text),
});

/** A person unknown to the service asks for an account; staff decide in the back office. */
export function accountRequestRoutes(antiRobot: AntiRobot): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/demande-de-compte', async (request, reply) => {
      if (!request.tenant) return reply.callNotFound();
      return reply.page(request.t('signup.title'), <SignupPage antiRobot={antiRobot} values={{}} errors={{}} />);
    });

    app.post(
      '/demande-de-compte',
      { schema: { body: AccountRequestForm }, attachValidation: true, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } },
      async (request, reply) => {
        const refused = refusedFields(request);
        if (!request.tenant) return reply.callNotFound();
        const form = formValues(request.body);
        if (refused) return reply.page(request.t('signup.title'), <SignupPage antiRobot={antiRobot} values={form} errors={refused} />, 400);
        const validation = validateAccountRequest(Object.fromEntries(ACCOUNT_REQUEST_FIELDS.map((field) => [field, form[FORM_NAMES[field]]])));
        const outcome = await request.inScope(async (scope) => {
          const robotOk = await antiRobot.verify(scope, form.altcha);
          if (!validation.ok || !robotOk) return { sent: false as const, robotOk };
          const valid = validation.value;
          await submitAccountRequest(scope, valid, mailContextOf(request));
          return { sent: true as const, email: valid.email };
        });
        if (outcome.sent) return reply.page(request.t('signup.sentTitle'), <SignupSent email={outcome.email} />);
        const messages: Partial<Record<AccountRequestField, string>> = validation.ok ? {} : fieldMessages(request.t, validation.errors);
        const errors: Errors = Object.fromEntries(ACCOUNT_REQUEST_FIELDS.map((field) => [FORM_NAMES[field], messages[field]]));
        if (!outcome.robotOk) errors.altcha = request.t('login.altchaFailed');
        return reply.page(request.t('signup.title'), <SignupPage antiRobot={antiRobot} values={form} errors={errors} />, 400);
      },
    );
  };
}

function SignupSent(props: { email: string }) {
  const page = usePage();
  const { t } = page;
  return (
    <>
      <h1>{t('signup.sentTitle')}</h1>
      <Alert kind="success" announce>
        {t('signup.sentText', { email: props.email })}
      </Alert>
      <a class="fr-link" href={href(page, '/connexion')}>
        {t('login.title')}
      </a>
    </>
  );
}

function SignupPage(props: { antiRobot: AntiRobot; values: Record<string, string>; errors: Errors }) {
  const page = usePage();
  const { t } = page;
  const { values, errors } = props;
  const AltchaField = props.antiRobot.Field;
  const labels = Object.fromEntries([...ACCOUNT_REQUEST_FIELDS.map((field) => [FORM_NAMES[field], t(LABELS[field])]), ['altcha', t('login.altchaLabel')]]);
  const field = (name: AccountRequestField, extra: Partial<Parameters<typeof Input>[0]> = {}) => (
    <Input name={FORM_NAMES[name]} label={t(LABELS[name])} value={values[FORM_NAMES[name]]} error={errors[FORM_NAMES[name]]} {...extra} />
  );
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-lg-8">
        <h1>{t('signup.title')}</h1>
        <ErrorSummary errors={errors} labels={labels} />
        <p>{t('signup.intro')}</p>
        <p class="fr-hint-text">{t('form.required')}</p>
        <form method="post" action={href(page, '/demande-de-compte')} novalidate>
          <CsrfField />
          <Select
            name={FORM_NAMES.civility}
            label={t('signup.civility')}
            value={values[FORM_NAMES.civility]}
            options={[
              { value: '', label: '—' },
              { value: 'mme', label: t('signup.civility.mme') },
              { value: 'm', label: t('signup.civility.m') },
            ]}
          />
          {field('firstName', { required: true, autocomplete: 'given-name', maxLength: 100 })}
          {field('lastName', { required: true, autocomplete: 'family-name', maxLength: 100 })}
          {field('email', { required: true, type: 'email', autocomplete: 'email', hint: t('login.emailHint') })}
          {field('phone', { type: 'tel', autocomplete: 'tel', hint: t('signup.phoneHint') })}
          {field('address', { autocomplete: 'street-address' })}
          {field('postcode', { autocomplete: 'postal-code', inputMode: 'numeric', maxLength: 5 })}
          {field('city', { autocomplete: 'address-level2' })}
          <Textarea
            name={FORM_NAMES.children}
            label={t('signup.children')}
            hint={t('signup.childrenHint')}
            value={values[FORM_NAMES.children]}
            error={errors[FORM_NAMES.children]}
          />
          <Textarea name={FORM_NAMES.message} label={t('signup.message')} value={values[FORM_NAMES.message]} error={errors[FORM_NAMES.message]} />
          <AltchaField error={errors.altcha} />
          <Button icon="fr-icon-send-plane-line">{t('signup.submit')}</Button>
        </form>
      </div>
    </div>
  );
}
