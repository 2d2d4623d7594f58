import { usePage } from '../../page-context.js';

/** Every form that changes something carries the anti-forgery token. */
export function CsrfField() {
  const { csrfToken } = usePage();
  return <input type="hidden" name="_csrf" value={csrfToken} />;
}
