import assert from 'node:assert/strict';

/** The hidden fields of the form a page posts to a provider's site, and where (the family leaves in the same tab). */
export function departureForm(html: string): { action: string; fields: Record<string, string> } {
  const form = /<form method="post" action="([^"]+)" data-auto-submit[^>]*>([\s\S]*?)<\/form>/.exec(html);
  assert.ok(form, 'a form that takes the family to the provider');
  const fields: Record<string, string> = {};
  for (const [, name, value] of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[name!] = value!.replace(/&amp;/g, '&');
  return { action: form[1]!.replace(/&amp;/g, '&'), fields };
}

/** Posts a notification to the portal's listening address as a provider's server would: the status and the one-word verdict. */
export async function postNotification(origin: string, channelId: string, fields: Record<string, string>): Promise<{ status: number; verdict: string }> {
  const answer = await fetch(`${origin}/ville/paiement/notification/${channelId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: answer.status, verdict: await answer.text() };
}
