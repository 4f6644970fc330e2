import axios from "axios";
import { createHmac } from "node:crypto";

const BASE_URL = process.env.API_BASE_URL ?? "https://api.helpdesk.example";
const apiKey = process.env.OPENAI_API_KEY!;
const stripeKey: string = "@@stripe@@";
const anthropicKey = "@@anthropic@@";
const githubToken = `@@github@@`;
const gitlabToken = "@@gitlab@@";
const slackAppToken = "@@slack_app@@";
const slackRefresh = "@@slack_refresh@@";

export const config = {
  hfToken: "@@hf@@",
  mapsKey: "@@google@@",
  sentryRelease: "@@!sha1@@",
  apiToken: "@@secret32@@",
  clientSecret: "@@azure_plain@@",
  dbUrl: "mysql://shop:@@password@@@mysql.internal:3306/shop",
  apiUrl: "https://deploy:@@password@@@registry.partner.dev/v2/",
  placeholderKey: "sk-proj-REPLACE_ME",
  publicKey: "pk_live_51HqLmNoPqRsTuVwXyZaBcDeFgHiJkLmNoPqRsTuVwXyZ0001",
};

export async function listTickets(token: string) {
  return axios.get(`${BASE_URL}/tickets`, { headers: { Authorization: `Bearer ${token}` } });
}

export async function adminCall() {
  return axios.get(`${BASE_URL}/admin`, { headers: { Authorization: "Bearer @@jwt@@" } });
}

export function sign(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

const password = form.password.value;
const token = await getToken();
const secretName = "projects/helpdesk/secrets/stripe";
const tokenKey = "auth.token.expired";
const passwordConfirmation = "passwordConfirmation";
let authToken = localStorage.getItem("authToken");
