/**
 * The simulators' pages: plain HTML in French, readable and keyboard-usable, with no inline script
 * or style (the demo serves them inside the portal, under its Content-Security-Policy).
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * A whole page, with the banner that says no real money moves here. Its empty icon spares the
 * browser asking for /favicon.ico, which nothing serves: a 404 in the console of every first visit.
 */
export function simulatorPage(provider: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${escapeHtml(title)} — simulateur ${escapeHtml(provider)}</title></head>
<body>
<header><p><strong>Simulateur ${escapeHtml(provider)} — aucun paiement réel.</strong> Ce service imite le prestataire de paiement pour la démonstration et les tests.</p></header>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
}

/** Hidden fields carrying values from one step of a simulator to the next. */
export function hiddenFields(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
}

/** How the simulated provider sends its notification: the cases PAYMENTS.md asks the simulators for. */
export const NOTIFICATION_WAYS = {
  normal: 'Normale, tout de suite',
  late: 'En retard (après 5 secondes)',
  duplicate: 'En double (deux fois de suite)',
  simultaneous: 'Deux à la fois, au même instant',
  none: 'Perdue (aucune notification)',
} as const;
export type NotificationWay = keyof typeof NOTIFICATION_WAYS;

/** The radio buttons choosing how the notification goes. */
export function notificationChoice(): string {
  const options = Object.entries(NOTIFICATION_WAYS)
    .map(
      ([value, label], index) =>
        `<div><input type="radio" id="notification-${value}" name="notification" value="${value}"${index === 0 ? ' checked' : ''}><label for="notification-${value}">${escapeHtml(label)}</label></div>`,
    )
    .join('\n');
  return `<fieldset><legend>Notification au portail</legend>\n${options}\n</fieldset>`;
}

/** Posts a form to the portal's notification address, as a provider's server does; the answer's status. */
export async function postForm(url: string, fields: Record<string, string>): Promise<number> {
  try {
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      signal: AbortSignal.timeout(15_000),
    });
    await answer.arrayBuffer();
    return answer.status;
  } catch {
    return 0;
  }
}

/** Sends a notification the way chosen; `late` returns at once and sends it after a while. */
export async function notify(way: NotificationWay, send: () => Promise<number>): Promise<void> {
  switch (way) {
    case 'normal':
      await send();
      return;
    case 'late':
      setTimeout(() => void send(), 5_000).unref();
      return;
    case 'duplicate':
      await send();
      await send();
      return;
    case 'simultaneous':
      await Promise.all([send(), send()]);
      return;
    case 'none':
      return;
  }
}
