// Every call the npm OPA SDK makes against a decision service, with its outcome, as JSON on
// stdout: {"<call>": {"ok": true, "value": ...} | {"ok": false, "error": "<class>: <message>"}}.
// Usage: node clients.mjs http://127.0.0.1:PORT POLICY_TOKEN
import { OPAClient } from "@open-policy-agent/opa";
import { OpaApiClient } from "@open-policy-agent/opa/sdk/index.js";

const [url, token] = process.argv.slice(2);
const client = new OPAClient(url);
const api = new OpaApiClient({ serverURL: url });

const deny = {
  company: "kallu",
  data_categories: ["user.contact.email"],
  data_use: "marketing.communications.email",
  recipient: { kind: "third_party" },
};
const allow = { ...deny, consents: ["marketing"] };

// A rule that fails for some inputs (two values for one complete rule): batches turn mixed.
const conflict = "package e2e\n\nimport rego.v1\n\nconflict := x if { x := input.n }\n\nconflict := y if { y := input.n + 1 }\n\nconflict := 0 if not input.n\n";
const policy = (method, body) =>
  fetch(`${url}/v1/policies/e2e/conflict.rego`, { method, body, headers: { Authorization: `Bearer ${token}` } });

const calls = {
  evaluate: () => client.evaluate("privacy/decision", deny),
  evaluateWithoutInput: () => client.evaluate("privacy/decision"),
  evaluateUndefined: () => client.evaluate("privacy/no_such_rule", {}),
  evaluateCatalogue: () => client.evaluate("privacy/clauses").then((c) => Object.keys(c).length),
  evaluateDefault: () => client.evaluateDefault(allow),
  evaluateBatch: () => client.evaluateBatch("privacy/decision", { deny, allow }),
  evaluateBatchRejectMixed: () => client.evaluateBatch("privacy/decision", { deny }, { rejectMixed: true }),
  putConflict: () => policy("PUT", conflict).then((r) => r.status),
  evaluateBatchMixed: () => client.evaluateBatch("e2e/conflict", { fine: {}, broken: { n: 1 } }),
  evaluateBatchMixedRejected: () => client.evaluateBatch("e2e/conflict", { fine: {}, broken: { n: 1 } }, { rejectMixed: true }),
  evaluateBatchAllFailed: () => client.evaluateBatch("e2e/conflict", { broken: { n: 1 } }),
  deleteConflict: () => policy("DELETE").then((r) => r.status),
  health: () => api.health(),
  healthBundlesPlugins: () => api.health(true, true),
  healthExcludePlugin: () => api.health(false, true, ["decision_logs"]),
};

const outcomes = {};
for (const [name, call] of Object.entries(calls)) {
  try {
    const value = await call();
    outcomes[name] = { ok: true, value: value === undefined ? "<undefined>" : value };
  } catch (error) {
    outcomes[name] = { ok: false, error: `${error?.constructor?.name}: ${error?.message}` };
  }
}
process.stdout.write(JSON.stringify(outcomes) + "\n");
