import { usePage } from '../page-context.js';
import { Input } from './dsfr/input.js';

/** The 6-digit code of an authenticator app (field name `code`), which phones and password managers can fill in. */
export function TotpCodeField(props: { value?: string | undefined; error?: string | undefined }) {
  const { t } = usePage();
  return (
    <Input
      name="code"
      label={t('totp.code')}
      hint={t('totp.codeHint')}
      value={props.value}
      error={props.error}
      required
      inputMode="numeric"
      autocomplete="one-time-code"
    />
  );
}
