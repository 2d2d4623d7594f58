// Shows each password rule as met or not while the person types. The server checks the same rules.

interface Rule {
  element: HTMLElement;
  test: (password: string) => boolean;
}

const TESTS: Record<string, (password: string) => boolean> = {
  length: (p) => p.length >= 8,
  upper: (p) => /\p{Lu}/u.test(p),
  lower: (p) => /\p{Ll}/u.test(p),
  digit: (p) => /\d/.test(p),
};

export function attachPasswordRules(): void {
  document.querySelectorAll<HTMLElement>('[data-password-rules]').forEach((list) => {
    const input = document.getElementById(list.dataset.passwordRules ?? '') as HTMLInputElement | null;
    if (!input) return;
    const rules: Rule[] = [];
    list.querySelectorAll<HTMLElement>('[data-rule]').forEach((element) => {
      const test = TESTS[element.dataset.rule ?? ''];
      if (test) rules.push({ element, test });
    });
    const update = () => {
      for (const rule of rules) {
        const met = rule.test(input.value);
        rule.element.classList.toggle('fr-message--valid', met);
        rule.element.classList.toggle('fr-message--info', !met);
        const state = rule.element.querySelector('[data-rule-state]');
        if (state) state.textContent = met ? (list.dataset.metLabel ?? '') : (list.dataset.unmetLabel ?? '');
      }
    };
    input.addEventListener('input', update);
    update();
  });
}
