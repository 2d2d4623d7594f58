import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import {
  disableTotp,
  enableTotp,
  isCodeShaped,
  normalizeCode,
  startTotpEnrolment,
  totpStatus,
  type TotpEnrolment,
  type TotpStatus,
} from '../../modules/identity/totp.js';
import type { Services } from '../../services.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { TotpCodeField } from '../components/totp-code-field.js';
import { refusedFields } from '../forms.js';
import { requireStaff } from '../guards.js';
import { Form, formValues } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import { NoticeQuery } from './staff-input.js';

const PATH = '/gestion/securite';

type Errors = {
  code?: string | undefined;
  proof?: string | undefined;
};

/** Where a staff member turns two-factor authentication on or off for their own account. */
export function securityRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { config } = services;
  return async (app) => {
    app.get(PATH, { preHandler: requireStaff(), schema: { querystring: NoticeQuery } }, async (request, reply) => {
      const done = request.query.fait;
      return showPage(request, reply, {}, done === 'active' ? 'enabled' : done === 'desactive' ? 'disabled' : undefined);
    });

    // A text too long for the form's schema comes back next to its field (attachValidation).
    app.post(PATH, { preHandler: requireStaff(), schema: { body: Form }, attachValidation: true }, async (request, reply) => {
      const refused = refusedFields(request);
      if (refused) return showPage(request, reply, refused);
      const form = formValues(request.body);
      const { t } = request;
      switch (form.action) {
        case 'start':
          await request.inScope((scope) => startTotpEnrolment(scope, config));
          return reply.redirect(`${request.base}${PATH}`, 303);
        case 'enable': {
          const code = normalizeCode(form.code ?? '');
          if (!isCodeShaped(code)) return showPage(request, reply, { code: t('totp.error.format') });
          const outcome = await request.inScope((scope) => enableTotp(scope, config, code));
          if (outcome === 'wrongCode') return showPage(request, reply, { code: t('totp.error.wrong') });
          return reply.redirect(`${request.base}${PATH}?fait=active`, 303);
        }
        case 'disable': {
          const proof = form.proof ?? '';
          if (proof.trim() === '') return showPage(request, reply, { proof: t('security.proofMissing') });
          const outcome = await request.inScope((scope) => disableTotp(scope, config, proof));
          if (outcome === 'wrongProof') return showPage(request, reply, { proof: t('security.proofWrong') });
          return reply.redirect(`${request.base}${PATH}?fait=desactive`, 303);
        }
        default:
          return reply.redirect(`${request.base}${PATH}`, 303);
      }
    });
  };

  async function showPage(request: FastifyRequest, reply: FastifyReply, errors: Errors, notice?: 'enabled' | 'disabled') {
    const status = await request.inScope((scope) => totpStatus(scope, config));
    // An SVG of paths with presentation attributes only: inline, it needs no style the CSP would refuse.
    const qrCode = status.enrolment ? await QRCode.toString(status.enrolment.uri, { type: 'svg', margin: 2, width: 200, errorCorrectionLevel: 'M' }) : null;
    return reply.page(request.t('security.title'), <SecurityPage status={status} qrCode={qrCode} errors={errors} notice={notice} />);
  }
}

function SecurityPage(props: { status: TotpStatus; qrCode: string | null; errors: Errors; notice: 'enabled' | 'disabled' | undefined }) {
  const { t } = usePage();
  const { status } = props;
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-lg-8">
        <h1>{t('security.title')}</h1>
        {props.notice && (
          <Alert kind="success" small announce>
            {t(props.notice === 'enabled' ? 'security.enabled' : 'security.disabled')}
          </Alert>
        )}
        <ErrorSummary errors={props.errors} labels={{ code: t('totp.code'), proof: t('security.proof') }} />
        <h2>{t('security.twoFactor')}</h2>
        <p>{t('security.intro')}</p>
        {status.enabledAt ? (
          <DisableForm enabledAt={status.enabledAt} error={props.errors.proof} />
        ) : status.enrolment && props.qrCode ? (
          <EnrolmentForm enrolment={status.enrolment} qrCode={props.qrCode} error={props.errors.code} />
        ) : (
          <StartForm />
        )}
      </div>
    </div>
  );
}

function StartForm() {
  const page = usePage();
  return (
    <>
      <p>{page.t('security.off')}</p>
      <form method="post" action={href(page, PATH)}>
        <CsrfField />
        <Button name="action" value="start" icon="fr-icon-shield-line">
          {page.t('security.start')}
        </Button>
      </form>
    </>
  );
}

function EnrolmentForm(props: { enrolment: TotpEnrolment; qrCode: string; error: string | undefined }) {
  const page = usePage();
  const { t } = page;
  return (
    <>
      <p>{t('security.off')}</p>
      <p>{t('security.scan')}</p>
      <div class="fr-mb-3w" role="img" aria-label={t('security.qrLabel')} dangerouslySetInnerHTML={{ __html: props.qrCode }} />
      <p>
        {t('security.manualKey')} <code class="fr-text--lg">{groupsOfFour(props.enrolment.secret)}</code>
      </p>
      <form method="post" action={href(page, PATH)} novalidate>
        <CsrfField />
        <p>{t('security.confirm')}</p>
        <TotpCodeField error={props.error} />
        <Button name="action" value="enable">
          {t('security.enable')}
        </Button>
      </form>
    </>
  );
}

function DisableForm(props: { enabledAt: Date; error: string | undefined }) {
  const page = usePage();
  const { t, fmt } = page;
  return (
    <>
      <p>{t('security.on', { date: fmt.longDate(props.enabledAt) })}</p>
      <h3>{t('security.disableTitle')}</h3>
      <form method="post" action={href(page, PATH)} novalidate>
        <CsrfField />
        <Input name="proof" type="password" label={t('security.proof')} hint={t('security.proofHint')} error={props.error} required autocomplete="off" />
        <Button name="action" value="disable" variant="secondary">
          {t('security.disable')}
        </Button>
      </form>
    </>
  );
}

/** "JBSW Y3DP EHPK 3PXP": easier to copy by hand; apps ignore the spaces. */
function groupsOfFour(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}
