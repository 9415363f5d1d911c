/**
 * A plan as a reviewer reads it, for snapshots: the sha256 of the exact
 * serialised bytes (so any byte change fails), then one line per top-level
 * block, per `moved` block and per resource (`resource.TYPE.NAME {body}`),
 * so a snapshot diff names what changed instead of scrolling through JSON.
 */
import { createHash } from 'crypto';
import { serialiseTerraform, TerraformJson } from '../../lib/targets/serialise';

export function reviewable(json: TerraformJson): string {
  const lines = [`sha256 ${createHash('sha256').update(serialiseTerraform(json)).digest('hex')}`];
  for (const [key, value] of Object.entries(json)) {
    if (key === 'resource') {
      for (const [type, byName] of Object.entries<Record<string, unknown>>(value)) for (const [name, body] of Object.entries(byName)) lines.push(`resource.${type}.${name} ${JSON.stringify(body)}`);
    } else if (key === 'moved' && Array.isArray(value)) {
      for (const m of value) lines.push(`moved ${m.from} -> ${m.to}`);
    } else lines.push(`${key} ${JSON.stringify(value)}`);
  }
  return lines.join('\n');
}
