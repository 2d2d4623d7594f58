/** Posts a notification to the portal's listening address as a provider's server would: the status and the one-word verdict. */
export async function postNotification(origin: string, channelId: string, fields: Record<string, string>): Promise<{ status: number; verdict: string }> {
  const answer = await fetch(`${origin}/ville/paiement/notification/${channelId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: answer.status, verdict: await answer.text() };
}
