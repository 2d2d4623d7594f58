import type { Translate } from '../../i18n/catalogue.js';
import type { AltchaVerdict } from '../../modules/identity/altcha.js';
import { href, usePage } from '../page-context.js';
import { fieldId } from './dsfr/input.js';

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      /** The ALTCHA web component, defined by src/web/assets/altcha-widget.ts. */
      'altcha-widget': JSX.HTMLAttributes<HTMLElement> & {
        challenge: string;
        name: string;
        language: string;
        auto: 'off' | 'onfocus' | 'onload' | 'onsubmit';
        configuration: string;
      };
    }
  }
}

/** The widget's options that have no attribute of their own: DSFR pages carry no third-party branding. */
const WIDGET_CONFIGURATION = JSON.stringify({ hideFooter: true, hideLogo: true, humanInteractionSignature: false });

/**
 * The anti-robot check of a form (field name `altcha`), as a DSFR group: label, hint, the widget,
 * and the error next to it. The widget also runs on submit, so ticking the box first is optional.
 * `level`: how hard a challenge it fetches (the usual one by default).
 */
export function AltchaField(props: { error?: string | undefined; level?: number | undefined }) {
  const page = usePage();
  const { t, assets } = page;
  const id = fieldId('altcha');
  const labelId = `${id}-label`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    // tabIndex so that the error summary's link to the group moves focus here. A div, not a
    // fieldset: DSFR styles the input group, and the widget draws its own box.
    // biome-ignore lint/a11y/useSemanticElements: see above
    <div
      class={`fr-input-group${props.error ? ' fr-input-group--error' : ''}`}
      id={id}
      role="group"
      aria-labelledby={labelId}
      aria-describedby={props.error ? `${hintId} ${errorId}` : hintId}
      tabIndex={-1}
    >
      {assets.altchaCss && <link rel="stylesheet" href={assets.altchaCss} />}
      <p class="fr-label" id={labelId}>
        {t('altcha.label')}
        <span class="fr-hint-text" id={hintId}>
          {t('altcha.hint')}
        </span>
      </p>
      <altcha-widget
        challenge={href(page, props.level ? `/altcha/challenge?level=${props.level}` : '/altcha/challenge')}
        name="altcha"
        language={page.lang}
        auto="onsubmit"
        configuration={WIDGET_CONFIGURATION}
        data-worker={assets.altchaWorker}
      />
      <noscript>
        <p class="fr-message fr-message--info">{t('altcha.noScript')}</p>
      </noscript>
      {props.error && (
        <p class="fr-error-text" id={errorId}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** Why a check failed, in the page's language; nothing when it passed. */
export function altchaError(t: Translate, verdict: AltchaVerdict): string | undefined {
  return verdict === 'verified' ? undefined : t(`altcha.error.${verdict}`);
}
