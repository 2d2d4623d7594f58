import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { peekToken } from '../../modules/identity/account-tokens.js';
import { changePassword } from '../../modules/identity/password-change.js';
import { requestPasswordReset, setPasswordWithToken } from '../../modules/identity/password-reset.js';
import { passwordProblems } from '../../modules/identity/passwords.js';
import { email as checkEmail } from '../../modules/validation/fields.js';
import type { Services } from '../../services.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { fieldMessages, refusedFields } from '../forms.js';
import { formValues, Text } from '../page-input.js';
import { requireAccount } from '../guards.js';
import { formatters } from '../../i18n/catalogue.js';
import { href, usePage } from '../page-context.js';
import { setSessionCookie } from '../session-cookie.js';
import { openSession } from '../../modules/identity/sessions.js';
import { PAGES } from '../../modules/page-paths.js';
import type { AntiRobot } from './anti-robot.js';
import { mailContextOf } from './mail-context.js';
import { NewPasswordFields, passwordProblemMessage } from './password-fields.js';

type TokenPurpose = 'password_reset' | 'invitation';

/** The address to send a reset link to, and the anti-robot widget's answer. */
const ForgotForm = Type.Object({ email: Type.Optional(Text), altcha: Type.Optional(Text) });

/** A reset or invitation link's single-use token (base64url); a damaged one gets the page that says so. */
const TokenParams = Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$' }) });

/** A new password and its confirmation. */
const NewPasswordForm = Type.Object({ password: Type.Optional(Text), confirm: Type.Optional(Text) });

/** The password change: the current one, the new one and its confirmation. */
const ChangeForm = Type.Object({ current: Type.Optional(Text), password: Type.Optional(Text), confirm: Type.Optional(Text) });

/** Forgotten password, reset link, invitation link, and password change. */
export function passwordRoutes(services: Services, antiRobot: AntiRobot): FastifyPluginAsyncTypebox {
  return async (app) => {
    const rateLimited = { config: { rateLimit: { max: 10, timeWindow: '1 minute' } } };

    app.get(PAGES.forgottenPassword, async (request, reply) => {
      if (!request.tenant) return reply.callNotFound();
      return reply.page(request.t('forgot.title'), <ForgotPage antiRobot={antiRobot} />);
    });

    app.post(PAGES.forgottenPassword, { ...rateLimited, schema: { body: ForgotForm }, attachValidation: true }, async (request, reply) => {
      const refused = refusedFields(request);
      if (!request.tenant) return reply.callNotFound();
      const form = request.body;
      if (refused) return reply.page(request.t('forgot.title'), <ForgotPage antiRobot={antiRobot} email={formValues(form).email} errors={refused} />, 400);
      const email = checkEmail(form.email);
      const outcome = await request.inScope(async (scope) => {
        const robotOk = await antiRobot.verify(scope, form.altcha);
        if (!email.ok || !robotOk) return { sent: false as const, emailError: email.ok ? undefined : email.error, robotError: !robotOk };
        await requestPasswordReset(scope, email.value, mailContextOf(request));
        return { sent: true as const };
      });
      if (outcome.sent) return reply.page(request.t('forgot.title'), <ForgotPage antiRobot={antiRobot} sent />);
      const errors = {
        email: outcome.emailError ? fieldMessages(request.t, { email: outcome.emailError }).email : undefined,
        altcha: outcome.robotError ? request.t('login.altchaFailed') : undefined,
      };
      return reply.page(request.t('forgot.title'), <ForgotPage antiRobot={antiRobot} email={form.email} errors={errors} />, 400);
    });

    for (const [path, purpose] of [
      [PAGES.passwordReset, 'password_reset'],
      [PAGES.invitation, 'invitation'],
    ] as const) {
      app.get(path, { schema: { params: TokenParams } }, async (request, reply) => {
        if (!request.tenant) return reply.callNotFound();
        const { token } = request.params;
        const account = await request.inScope((scope) => peekToken(scope.tx, token, purpose, scope.now));
        return renderTokenPage(request, reply, purpose, account ? { email: account.email, name: account.display_name } : null, {});
      });

      app.post(path, { ...rateLimited, schema: { params: TokenParams, body: NewPasswordForm }, attachValidation: true }, async (request, reply) => {
        const refused = refusedFields(request);
        if (!request.tenant) return reply.callNotFound();
        const { token } = request.params;
        const form = request.body;
        const password = form.password ?? '';
        const account = await request.inScope((scope) => peekToken(scope.tx, token, purpose, scope.now));
        if (!account) return renderTokenPage(request, reply, purpose, null, {});
        if (refused) return renderTokenPage(request, reply, purpose, { email: account.email, name: account.display_name }, refused);
        const personal = [account.email.split('@')[0] ?? '', account.display_name];
        if (password !== (form.confirm ?? '')) {
          const problems = passwordProblems(password, personal);
          return renderTokenPage(
            request,
            reply,
            purpose,
            { email: account.email, name: account.display_name },
            {
              password: passwordProblemMessage(request.t, problems),
              confirm: request.t('password.error.mismatch'),
            },
          );
        }
        const result = await request.inScope((scope) => setPasswordWithToken(scope, token, purpose, password, personal));
        if (!result.ok) {
          if ('invalidLink' in result) return renderTokenPage(request, reply, purpose, null, {});
          return renderTokenPage(
            request,
            reply,
            purpose,
            { email: account.email, name: account.display_name },
            {
              password: passwordProblemMessage(request.t, result.problems),
            },
          );
        }
        // An invitation signs the person in at once; a reset asks them to log in with the new password.
        if (purpose === 'invitation') {
          const sessionToken = await request.inScope((scope) =>
            openSession(
              scope.tx,
              scope.tenantId,
              result.accountId,
              scope.now,
              { ip: request.ip, userAgent: request.headers['user-agent'] ?? null },
              { previousToken: request.sessionToken },
            ),
          );
          setSessionCookie(request, reply, sessionToken, services.config.secureCookies);
          return reply.redirect(`${request.base}/`);
        }
        return reply.redirect(`${request.base}/connexion?motdepasse=1`);
      });
    }

    app.get('/mot-de-passe', { preHandler: requireAccount }, async (request, reply) => {
      return reply.page(request.t('change.title'), <ChangePage firstLogin={request.session!.account.mustChangePassword} errors={{}} />);
    });

    app.post('/mot-de-passe', { preHandler: requireAccount, ...rateLimited, schema: { body: ChangeForm }, attachValidation: true }, async (request, reply) => {
      const refused = refusedFields(request);
      const session = request.session!;
      const form = request.body;
      const next = form.password ?? '';
      const firstLogin = session.account.mustChangePassword;
      if (refused) return reply.page(request.t('change.title'), <ChangePage firstLogin={firstLogin} errors={refused} />, 400);
      if (next !== (form.confirm ?? '')) {
        return reply.page(request.t('change.title'), <ChangePage firstLogin={firstLogin} errors={{ confirm: request.t('password.error.mismatch') }} />, 400);
      }
      const result = await changePassword((work) => request.inScope(work), {
        accountId: session.account.id,
        sessionTokenHash: session.tokenHash,
        current: form.current ?? '',
        next,
        mail: mailContextOf(request),
        formatDate: formatters(request.lang, request.tenant!.time_zone).dateTime,
      });
      if (!result.ok) {
        const errors = {
          current: result.currentWrong ? request.t('password.currentWrong') : undefined,
          password: passwordProblemMessage(request.t, result.problems),
        };
        return reply.page(request.t('change.title'), <ChangePage firstLogin={firstLogin} errors={errors} />, 400);
      }
      session.account.mustChangePassword = false;
      // The first login's forced change done, the person goes on to what they came for.
      if (firstLogin) return reply.redirect(`${request.base}${session.account.kind === 'staff' ? '/gestion' : '/accueil?motdepasse=1'}`);
      return reply.page(request.t('change.title'), <ChangePage firstLogin={false} errors={{}} done />);
    });
  };
}

function ForgotPage(props: {
  antiRobot: AntiRobot;
  sent?: boolean;
  email?: string | undefined;
  errors?: { email?: string | undefined; altcha?: string | undefined };
}) {
  const page = usePage();
  const { t } = page;
  const errors = props.errors ?? {};
  const AltchaField = props.antiRobot.Field;
  return (
    <div class="fr-grid-row fr-grid-row--center">
      <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
        <h1>{t('forgot.title')}</h1>
        {props.sent ? (
          <>
            <Alert kind="success" announce>
              {t('forgot.sent')}
            </Alert>
            <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, PAGES.login)}>
              {t('login.title')}
            </a>
          </>
        ) : (
          <>
            <ErrorSummary errors={errors} labels={{ email: t('login.email'), altcha: t('login.altchaLabel') }} />
            <p>{t('forgot.intro')}</p>
            <form method="post" action={href(page, PAGES.forgottenPassword)} novalidate>
              <CsrfField />
              <Input
                name="email"
                type="email"
                label={t('login.email')}
                hint={t('login.emailHint')}
                value={props.email}
                error={errors.email}
                required
                autocomplete="email"
              />
              <AltchaField error={errors.altcha} />
              <Button icon="fr-icon-mail-line">{t('forgot.submit')}</Button>
            </form>
          </>
        )}
      </div>
    </div>
  );
}

function renderTokenPage(
  request: FastifyRequest,
  reply: FastifyReply,
  purpose: TokenPurpose,
  account: { email: string; name: string } | null,
  errors: { password?: string | undefined; confirm?: string | undefined },
) {
  const title = request.t(purpose === 'invitation' ? 'invitation.title' : 'reset.title');
  const failed = Object.values(errors).some(Boolean);
  return reply.page(title, <TokenPage purpose={purpose} account={account} errors={errors} />, account ? (failed ? 400 : 200) : 410);
}

function TokenPage(props: {
  purpose: TokenPurpose;
  account: { email: string; name: string } | null;
  errors: { password?: string | undefined; confirm?: string | undefined };
}) {
  const page = usePage();
  const { t } = page;
  const invitation = props.purpose === 'invitation';
  return (
    <div class="fr-grid-row fr-grid-row--center">
      <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
        <h1>{t(invitation ? 'invitation.title' : 'reset.title')}</h1>
        {!props.account ? (
          <>
            <Alert kind="error">{t(invitation ? 'invitation.invalidLink' : 'reset.invalidLink')}</Alert>
            {!invitation && (
              <a class="fr-btn" href={href(page, PAGES.forgottenPassword)}>
                {t('reset.askAgain')}
              </a>
            )}
          </>
        ) : (
          <>
            <ErrorSummary errors={props.errors} labels={{ password: t('password.new'), confirm: t('password.confirm') }} />
            {invitation && <p>{t('invitation.intro', { name: props.account.name, email: props.account.email })}</p>}
            <form method="post" novalidate>
              <CsrfField />
              <input type="text" name="username" value={props.account.email} autocomplete="username" hidden readOnly />
              <NewPasswordFields errors={props.errors} />
              <Button>{t(invitation ? 'invitation.submit' : 'reset.submit')}</Button>
            </form>
          </>
        )}
      </div>
    </div>
  );
}

function ChangePage(props: {
  firstLogin: boolean;
  done?: boolean;
  errors: { current?: string | undefined; password?: string | undefined; confirm?: string | undefined };
}) {
  const page = usePage();
  const { t } = page;
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
        <h1>{t('change.title')}</h1>
        {props.done && (
          <Alert kind="success" announce>
            {t('change.done')}
          </Alert>
        )}
        {props.firstLogin && <Alert kind="info">{t('change.firstLogin')}</Alert>}
        <ErrorSummary errors={props.errors} labels={{ current: t('password.current'), password: t('password.new'), confirm: t('password.confirm') }} />
        <form method="post" action={href(page, '/mot-de-passe')} novalidate>
          <CsrfField />
          <Input name="current" type="password" label={t('password.current')} required autocomplete="current-password" error={props.errors.current} />
          <NewPasswordFields errors={props.errors} />
          <Button>{t('change.submit')}</Button>
        </form>
      </div>
    </div>
  );
}
