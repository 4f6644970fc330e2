export const env = {
  stripeSecret: process.env.STRIPE_SECRET as string,
  openaiKey: "@@openai@@",
  hfToken: '@@hf@@',
  pplx: "@@pplx@@",
  slackApp: "@@slack_app@@",
  azureSecret: "@@azure@@",
  mailgun: "@@mailgun@@",
  google: "@@google@@",
  jwt: "@@jwt_rs@@",
};
const dsn = "postgres://api:@@password@@@pg.internal:5432/api";
const amqp = `amqp://api:@@password@@@mq.internal`;
const headers = { authorization: "Basic @@basic@@" };
const password: string = "@@paren_password@@";
const accessToken = "@@secret32@@";
const sampleToken = "ghp_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE";
const tokenHeader = "X-Api-Token";
const passwordField = document.querySelector<HTMLInputElement>("#password")!.value;
const etag = "@@!sha256@@";
