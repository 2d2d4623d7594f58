import { Input } from '../components/dsfr/input.js';
import { fieldId } from '../components/dsfr/input.js';
import type { Translate } from '../../i18n/catalogue.js';
import { PASSWORD_RULES, type PasswordProblem } from '../../modules/identity/passwords.js';
import { usePage } from '../page-context.js';

/** A new password and its confirmation, with the rules listed and ticked off live as the person types. */
export function NewPasswordFields(props: { errors: { password?: string | undefined; confirm?: string | undefined } }) {
  const { t } = usePage();
  const rulesId = 'password-rules';
  return (
    <>
      <Input
        name="password"
        type="password"
        label={t('password.new')}
        required
        autocomplete="new-password"
        error={props.errors.password}
        describedBy={rulesId}
      />
      <div
        class="fr-messages-group fr-mb-3w"
        id={rulesId}
        aria-live="polite"
        data-password-rules={fieldId('password')}
        data-met-label={t('password.ruleMet')}
        data-unmet-label={t('password.ruleUnmet')}
      >
        <p class="fr-message fr-mb-1v">{t('password.rulesTitle')}</p>
        {PASSWORD_RULES.map((rule) => (
          <p class="fr-message fr-message--info" data-rule={rule} key={rule}>
            {t(`password.rule.${rule}`)}
            <span class="fr-sr-only">
              {' '}
              — <span data-rule-state>{t('password.ruleUnmet')}</span>
            </span>
          </p>
        ))}
      </div>
      <Input name="confirm" type="password" label={t('password.confirm')} required autocomplete="new-password" error={props.errors.confirm} />
    </>
  );
}

/** The first unmet rule as a sentence (the list above the field shows them all). */
export function passwordProblemMessage(t: Translate, problems: PasswordProblem[]): string | undefined {
  const first = problems[0];
  return first ? t(`password.error.${first}`) : undefined;
}
