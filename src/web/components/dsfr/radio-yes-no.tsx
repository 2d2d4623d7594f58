import { usePage } from '../../page-context.js';
import { fieldId } from './input.js';

/** A yes/no question as two radio buttons: an unticked checkbox would not say "no" in the form. */
export function RadioYesNo(props: { name: string; label: string; value: boolean | null; hint?: string; error?: string | undefined }) {
  const { t } = usePage();
  const id = fieldId(props.name);
  return (
    <fieldset class={`fr-fieldset${props.error ? ' fr-fieldset--error' : ''}`} id={id} aria-labelledby={`${id}-legend`}>
      <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id={`${id}-legend`}>
        {props.label}
        {props.hint && <span class="fr-hint-text">{props.hint}</span>}
      </legend>
      {(
        [
          ['true', 'value.yes'],
          ['false', 'value.no'],
        ] as const
      ).map(([value, label]) => (
        <div class="fr-fieldset__element fr-fieldset__element--inline" key={value}>
          <div class="fr-radio-group">
            <input type="radio" id={`${id}-${value}`} name={props.name} value={value} checked={props.value === (value === 'true')} />
            <label class="fr-label" for={`${id}-${value}`}>
              {t(label)}
            </label>
          </div>
        </div>
      ))}
      {props.error && <p class="fr-error-text fr-message--error">{props.error}</p>}
    </fieldset>
  );
}
