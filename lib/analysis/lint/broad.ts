/**
 * MS3005 broad east-west: an allow between every pair of segments, or a
 * whole protocol (`any`, `tcp`, `udp`) between different segments. Both
 * turn segmentation back into a flat network for that traffic.
 */
import { LintCheck, RawFinding } from './types';
import { rulePath } from './where';

export const broad: LintCheck = {
  rules: [
    {
      code: 'MS3005',
      kind: 'broad-east-west',
      title: 'broad east-west allow',
      why: 'An allow between all segments, or of a whole protocol between segments, lets one compromised workload move laterally to everything it reaches.',
      fix: 'Name the segments (labels, sameLabels) and the services (ports) that are really needed.',
    },
  ],
  check(ctx) {
    const { ir } = ctx;
    const out: RawFinding[] = [];
    const n = ir.segments.length;
    for (const r of ir.rules) {
      if (r.origin.action !== 'allow' || r.services.isEmpty()) continue;
      const path = rulePath(ir.policy.doc, r.origin.name);
      const cross = r.segmentPairs.filter(([f, t]) => f !== t);
      if (n >= 2 && r.segmentPairs.length === n * n) {
        out.push({
          code: 'MS3005',
          message: `${r.origin.kind} '${r.origin.name}' allows ${r.services.toString()} between every pair of the ${n} segments`,
          path,
          subjects: [r.origin.name],
        });
        continue;
      }
      const whole = [r.services.isAny() ? 'any' : '', r.services.tcp.isAll() ? 'all of tcp' : '', r.services.udp.isAll() ? 'all of udp' : ''].filter(Boolean);
      if (whole.length && cross.length) {
        const [f, t] = cross[0];
        out.push({
          code: 'MS3005',
          message: `${r.origin.kind} '${r.origin.name}' allows ${r.services.isAny() ? 'any' : whole.join(' and ')} between ${cross.length} pair${cross.length > 1 ? 's' : ''} of different segments`,
          path,
          subjects: [r.origin.name],
          example: `${f} → ${t}`,
        });
      }
    }
    return out;
  },
};
