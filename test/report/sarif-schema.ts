// Validates a SARIF log against the OASIS SARIF 2.1.0 JSON schema kept in test/fixtures-data/sarif.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";

const schema = JSON.parse(readFileSync(join(import.meta.dirname, "../fixtures-data/sarif/sarif-schema-2.1.0.json"), "utf8")) as object;
const ajv = new Ajv({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

/** Schema violations of `log`, one `instancePath: message` per line; empty when the log is valid SARIF 2.1.0. */
export function sarifErrors(log: unknown): string[] {
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}
