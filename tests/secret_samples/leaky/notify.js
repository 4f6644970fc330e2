import fetch from 'node-fetch';

const SLACK_WEBHOOK = 'https://hooks.slack.com/services/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';
const mapsKey = 'AIza-MeT47N-e1UvNW2xsbwdnKtbgHdrensUi59';
const deployToken = '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';
export async function notify(text) {
  return fetch(SLACK_WEBHOOK, { method: 'POST', body: JSON.stringify({ text }) });
}
export const client = new Client({ apiKey: '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' });
