/**
 * The full SARIF 2.1.0 schema (rtm.5, draft-04, as shipped by
 * @microsoft/jest-sarif) compiled with ajv-draft-04: every SARIF log we
 * write is checked against it. Formats: `uri` must be absolute (a scheme and
 * a parseable URL), `uri-reference` parseable against a base, `date-time`
 * ISO 8601.
 */
import Ajv from 'ajv-draft-04';
import schema from '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json';

const parses = (s: string, base?: string) => {
  try {
    new URL(s, base);
    return !/\s/.test(s);
  } catch {
    return false;
  }
};

export function sarifValidator(): (log: unknown) => unknown[] {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }); // the schema's language pattern is not a valid unicode regexp
  ajv.addFormat('uri', (s: string) => /^[a-z][a-z0-9+.-]*:/i.test(s) && parses(s));
  ajv.addFormat('uri-reference', (s: string) => parses(s, 'file:///base/'));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d\d-\d\dT/.test(s));
  const validate = ajv.compile(schema as object);
  return (log) => (validate(log) ? [] : [...(validate.errors ?? [])]);
}

/** Every artifact location of a log, wherever it sits (results, related locations, base ids). */
export function artifactLocations(log: any): { uri: string; uriBaseId?: string }[] {
  const out: { uri: string; uriBaseId?: string }[] = [];
  const walk = (x: any, key?: string) => {
    if (Array.isArray(x)) x.forEach((y) => walk(y));
    else if (x && typeof x === 'object') {
      if (key === 'artifactLocation') out.push(x);
      for (const [k, v] of Object.entries(x)) if (k !== 'originalUriBaseIds') walk(v, k);
    }
  };
  walk(log);
  return out;
}
