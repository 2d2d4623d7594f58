import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Translate } from '../../i18n/catalogue.js';
import { login, type LoginResult } from '../../modules/identity/login.js';
import { closeSession } from '../../modules/identity/sessions.js';
import { PAGES } from '../../modules/page-paths.js';
import type { Services } from '../../services.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { refusedFields, safeReturnPath } from '../forms.js';
import { Form, formValues, Text } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import { clearSessionCookie, setSessionCookie } from '../session-cookie.js';
import { retryAfterSeconds, waitText } from '../wait-text.js';
import type { AntiRobot } from './anti-robot.js';

interface LoginView {
  email?: string;
  /** A field the form's schema refused (a text too long), with its message. */
  fieldErrors?: { email?: string | undefined; password?: string | undefined };
  returnTo?: string | null;
  notice?: 'loggedOut' | 'passwordChanged';
  error?: string;
  /** The anti-robot check's level, when the next attempt needs one. */
  altchaLevel?: number;
  altchaError?: string;
}

/** The login page's address: the notice of a logout or a password change, and the page to go back to. */
const LoginQuery = Type.Object({
  deconnecte: Type.Optional(Text),
  motdepasse: Type.Optional(Text),
  retour: Type.Optional(Text),
});

/** The login form (`altcha`: the anti-robot widget's answer, when it is shown). */
const LoginForm = Type.Object({
  email: Type.Optional(Text),
  password: Type.Optional(Text),
  retour: Type.Optional(Text),
  altcha: Type.Optional(Text),
});

/** Login and logout, for families and staff alike. */
export function loginRoutes(services: Services, antiRobot: AntiRobot): FastifyPluginAsyncTypebox {
  const { config } = services;
  return async (app) => {
    app.get(PAGES.login, { schema: { querystring: LoginQuery } }, async (request, reply) => {
      if (!request.tenant) return reply.callNotFound();
      if (request.session && !request.session.awaitingSecondFactor) return reply.redirect(homeOf(request, request.session.account.kind));
      const { query } = request;
      const notice = query.deconnecte ? 'loggedOut' : query.motdepasse ? 'passwordChanged' : undefined;
      return reply.page(request.t('login.title'), <LoginPage view={{ notice, returnTo: safeReturnPath(query.retour) }} antiRobot={antiRobot} />);
    });

    app.post(
      PAGES.login,
      { schema: { body: LoginForm }, attachValidation: true, config: { rateLimit: { max: 30, timeWindow: '1 minute' } } },
      async (request, reply) => {
        const refused = refusedFields(request);
        if (!request.tenant) return reply.callNotFound();
        const form = request.body;
        const returnTo = safeReturnPath(form.retour);
        // A field too long for any account is refused before the login counts an attempt.
        if (refused)
          return reply.page(
            request.t('login.title'),
            <LoginPage view={{ fieldErrors: refused, email: formValues(form).email ?? '', returnTo }} antiRobot={antiRobot} />,
            400,
          );
        const result = await login((work) => request.inScope(work), {
          email: form.email ?? '',
          password: form.password ?? '',
          origin: { ip: request.ip, userAgent: request.headers['user-agent'] ?? null },
          previousSessionToken: request.sessionToken,
          locale: request.lang,
          verifyAltcha: (scope, level) => antiRobot.verify(scope, form.altcha, level),
        });
        if (result.kind === 'success') {
          setSessionCookie(request, reply, result.sessionToken, config.secureCookies);
          if (result.awaitingSecondFactor) return reply.redirect(`${request.base}/connexion/code`);
          return reply.redirect(returnTo ? `${request.base}${returnTo}` : homeOf(request, result.accountKind));
        }
        const view = failureView(request.t, result);
        const { retryAfterMs } = result.next;
        if (retryAfterMs > 0) reply.header('retry-after', retryAfterSeconds(retryAfterMs));
        return reply.page(
          request.t('login.title'),
          <LoginPage view={{ ...view, email: form.email ?? '', returnTo }} antiRobot={antiRobot} />,
          retryAfterMs > 0 ? 429 : 200,
        );
      },
    );

    app.post('/deconnexion', { schema: { body: Form } }, async (request, reply) => {
      if (!request.tenant) return reply.callNotFound();
      const token = request.sessionToken;
      if (token) await request.inScope((scope) => closeSession(scope.tx, token));
      clearSessionCookie(request, reply);
      // Families land on their authority's website, as they expect when they leave the portal.
      return reply.redirect(request.tenant.website_url ?? `${request.base}/connexion?deconnecte=1`);
    });
  };
}

function homeOf(request: FastifyRequest, kind: 'family' | 'staff'): string {
  return `${request.base}${kind === 'staff' ? '/gestion' : '/accueil'}`;
}

/** What the page says after a refused attempt, and the anti-robot check the next one needs. */
function failureView(t: Translate, result: Exclude<LoginResult, { kind: 'success' }>): LoginView {
  const { retryAfterMs, proofLevel } = result.next;
  const altchaLevel = proofLevel ?? undefined;
  if (retryAfterMs > 0) return { error: t('login.locked', { wait: waitText(t, retryAfterMs) }), altchaLevel };
  if (result.kind === 'proof_required') return { error: t('login.altchaRequired'), altchaLevel, altchaError: t('login.altchaFailed') };
  return { error: t('login.invalid'), altchaLevel };
}

function LoginPage(props: { view: LoginView; antiRobot: AntiRobot }) {
  const page = usePage();
  const { t } = page;
  const { view } = props;
  const AltchaField = props.antiRobot.Field;
  return (
    <div class="fr-grid-row fr-grid-row--center">
      <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
        <h1>{t('login.title')}</h1>
        {view.notice === 'loggedOut' && (
          <Alert kind="success" small>
            {t('login.loggedOut')}
          </Alert>
        )}
        {view.notice === 'passwordChanged' && (
          <Alert kind="success" small>
            {t('login.passwordChanged')}
          </Alert>
        )}
        {view.fieldErrors && <ErrorSummary errors={view.fieldErrors} labels={{ email: t('login.email'), password: t('login.password') }} />}
        {view.error && (
          <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w" role="alert" id="login-error" tabIndex={-1} data-focus-on-load>
            <p>{view.error}</p>
          </div>
        )}
        <p>{t('login.intro')}</p>
        <form method="post" action={href(page, PAGES.login)} novalidate>
          <CsrfField />
          {view.returnTo && <input type="hidden" name="retour" value={view.returnTo} />}
          <fieldset class="fr-fieldset">
            <div class="fr-fieldset__element">
              <Input
                name="email"
                type="email"
                label={t('login.email')}
                hint={t('login.emailHint')}
                value={view.email}
                error={view.fieldErrors?.email}
                required
                autocomplete="username"
              />
            </div>
            <div class="fr-fieldset__element">
              <Input name="password" type="password" label={t('login.password')} error={view.fieldErrors?.password} required autocomplete="current-password" />
              <p class="fr-mt-1w">
                <a class="fr-link" href={href(page, PAGES.forgottenPassword)}>
                  {t('login.forgot')}
                </a>
              </p>
            </div>
            {view.altchaLevel !== undefined && (
              <div class="fr-fieldset__element">
                <AltchaField error={view.altchaError} level={view.altchaLevel} />
              </div>
            )}
          </fieldset>
          <Button icon="fr-icon-lock-line">{t('login.submit')}</Button>
        </form>
        <hr class="fr-mt-4w" />
        <h2 class="fr-h5">{t('login.noAccount')}</h2>
        <a class="fr-btn fr-btn--secondary" href={href(page, '/demande-de-compte')}>
          {t('login.askAccount')}
        </a>
      </div>
    </div>
  );
}
