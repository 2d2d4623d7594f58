import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { giveSecondFactor } from '../../modules/identity/second-factor.js';
import { isCodeShaped, normalizeCode } from '../../modules/identity/totp.js';
import type { Services } from '../../services.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { TotpCodeField } from '../components/totp-code-field.js';
import { refusedFields } from '../forms.js';
import { formValues, Text } from '../page-input.js';
import { href, usePage } from '../page-context.js';

/** The code the authenticator app shows. */
const CodeForm = Type.Object({ code: Type.Optional(Text) });

/** The second login step of staff accounts with two-factor authentication: the app's 6-digit code. */
export function secondFactorRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/connexion/code', async (request, reply) => {
      if (!request.tenant) return reply.callNotFound();
      const elsewhere = notAwaitingCode(request);
      if (elsewhere) return reply.redirect(elsewhere);
      return reply.page(request.t('secondFactor.title'), <SecondFactorPage />);
    });

    app.post('/connexion/code', { schema: { body: CodeForm }, attachValidation: true }, async (request, reply) => {
      // A code too long for the form's schema is no code: the same message as a code of the wrong shape.
      const refused = refusedFields(request);
      if (!request.tenant) return reply.callNotFound();
      const elsewhere = notAwaitingCode(request);
      const { session, sessionToken } = request;
      if (elsewhere || !session || !sessionToken) return reply.redirect(elsewhere ?? `${request.base}/connexion`, 303);
      const typed = formValues(request.body).code ?? '';
      const code = normalizeCode(typed);
      if (refused || !isCodeShaped(code)) {
        return reply.page(request.t('secondFactor.title'), <SecondFactorPage value={typed} error={request.t('totp.error.format')} />);
      }
      const outcome = await request.inScope((scope) =>
        giveSecondFactor(scope, services.config, { token: sessionToken, accountId: session.account.id, ip: request.ip }, code),
      );
      switch (outcome) {
        case 'accepted':
          return reply.redirect(`${request.base}/gestion`, 303);
        case 'sessionEnded':
          return reply.redirect(`${request.base}/connexion`, 303);
        case 'wrongCode':
          // A wrong code is not given back: the next one will be different anyway.
          return reply.page(request.t('secondFactor.title'), <SecondFactorPage error={request.t('totp.error.wrong')} />);
      }
    });
  };
}

/** Where a request that has no code to give goes instead: the login page, or home once the code was given. */
function notAwaitingCode(request: FastifyRequest): string | null {
  if (!request.session) return `${request.base}/connexion`;
  if (!request.session.awaitingSecondFactor) return `${request.base}/`;
  return null;
}

function SecondFactorPage(props: { value?: string; error?: string }) {
  const page = usePage();
  const { t } = page;
  return (
    <div class="fr-grid-row fr-grid-row--center">
      <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
        <h1>{t('secondFactor.title')}</h1>
        <ErrorSummary errors={{ code: props.error }} labels={{ code: t('totp.code') }} />
        <p>{t('secondFactor.intro')}</p>
        <form method="post" action={href(page, '/connexion/code')} novalidate>
          <CsrfField />
          <TotpCodeField value={props.value} error={props.error} />
          <Button icon="fr-icon-lock-line">{t('secondFactor.submit')}</Button>
        </form>
      </div>
    </div>
  );
}
