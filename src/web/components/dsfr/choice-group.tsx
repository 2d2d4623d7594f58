import { fieldId } from './input.js';

export interface Choice {
  value: string;
  label: string;
}

/** A DSFR fieldset of radio buttons or checkboxes, with its legend and error message. */
export function ChoiceGroup(props: {
  type: 'radio' | 'checkbox';
  name: string;
  legend: string;
  choices: Choice[];
  chosen: string[];
  error?: string | undefined;
}) {
  const id = fieldId(props.name);
  const group = props.type === 'radio' ? 'fr-radio-group' : 'fr-checkbox-group';
  return (
    <fieldset class={`fr-fieldset${props.error ? ' fr-fieldset--error' : ''}`} id={id} aria-labelledby={`${id}-legend${props.error ? ` ${id}-error` : ''}`}>
      <legend class="fr-fieldset__legend" id={`${id}-legend`}>
        {props.legend}
      </legend>
      {props.choices.map((choice, index) => (
        <div class="fr-fieldset__element" key={choice.value}>
          <div class={group}>
            <input type={props.type} id={`${id}-${index}`} name={props.name} value={choice.value} checked={props.chosen.includes(choice.value)} />
            <label class="fr-label" for={`${id}-${index}`}>
              {choice.label}
            </label>
          </div>
        </div>
      ))}
      {props.error && (
        <p class="fr-error-text fr-message--error" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
