import { fieldId } from './input.js';

export function Select(props: {
  name: string;
  label: string;
  value?: string | undefined;
  options: { value: string; label: string }[];
  error?: string | undefined;
  required?: boolean;
}) {
  const id = fieldId(props.name);
  return (
    <div class={`fr-select-group${props.error ? ' fr-select-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        {props.label}
        {props.required && ' *'}
      </label>
      <select class="fr-select" id={id} name={props.name} aria-describedby={props.error ? `${id}-error` : undefined} required={props.required}>
        {props.options.map((option) => (
          <option key={option.value} value={option.value} selected={option.value === (props.value ?? '')}>
            {option.label}
          </option>
        ))}
      </select>
      {props.error && (
        <p class="fr-error-text" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}
