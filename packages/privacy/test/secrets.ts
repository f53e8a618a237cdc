// Planted secrets for the tests. Key-shaped values are assembled from pieces so that secret scanners
// on the repository (push protection and the like) do not mistake these fixtures for real leaks.

const b64url = (s: string) => Buffer.from(s).toString("base64url");

export function makeJwt(payload: Record<string, unknown>): string {
  return `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(payload))}.${b64url("not-a-real-signature-0123456789")}`;
}

export const SECRETS = {
  metaToken: "meta-access-token-55Qx9",
  email: "jane.doe@example.com",
  phone: "+44 20 7946 0958",
  card: "4111 1111 1111 1111",
  iban: "DE89 3704 0044 0532 0130 00",
  urlPassword: "hunter2-url-pass",
  knownValue: "Ada Lovelace-7731",
  dataJwt: makeJwt({ sub: "user-1", role: "admin" }),
  placeholderEmail: "owner@acme-corp.io",
  srcApiKey: "srcKeyValue9f8e7d",
  mutationEmail: "mut-added@example.org",
  mutationPhone: "(555) 123-4567",
  githubToken: ["ghp", "_", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A"].join(""),
  inputIban: "GB82 WEST 1234 5698 7654 32",
  consolePassword: "pw-console-secret-1",
  oauthCode: "oauth-code-123abc",
  bearerInConsole: "consoleBearerTok0123456789",
  phxKey: ["phx", "_", "PersonalKeyAbcdefghijklmnop123"].join(""),
  netUrlToken: "net-url-token-1a2b3c",
  authJwt: makeJwt({ sub: "user-2", scope: "api" }),
  cookie: "sessionid=cookie-secret-xyz789",
  xApiKey: "x-api-key-value-777",
  setCookie: "refresh=set-cookie-secret-456; HttpOnly",
  bodyEmail: "body.user@example.net",
  bodyPassword: "body-pass-secret-1",
  stripeKey: ["sk", "_live_", "4eC39HqLyjWDarjtT1zdp7dc"].join(""),
  configAuth: "Bearer cfg-token-abcdef123456",
  configTenant: "tenant-acme-42",
  pageviewPassword: "pv-pass-9988",
  propertyEmail: "prop.person@example.com",
  elementsPhone: "+1 415 555 2671",
  setEmail: "set.email@example.com",
  awsKey: ["AKIA", "IOSFODNN7", "EXAMPLE"].join(""),
  maskedName: "Masked Person Name",
  blockedText: "BLOCKED-ZONE-SECRET",
  typedPassword: "typed-pass-Word9",
  hiddenToken: "hidden-token-value-42",
  maskedMutation: "Updated Secret Name",
} as const;

export type SecretName = keyof typeof SECRETS;

/** Substrings that must not survive scrubbing (a secret's distinctive part). */
export function secretNeedles(): string[] {
  return Object.values(SECRETS).map((s) => s);
}
