/**
 * GCP service-account emails whose project is a Terraform variable of the
 * output: `ID@${var.NAME}.iam.gserviceaccount.com`, as the GCP back end
 * writes them when `targets.gcp.project` is unset (rules and identities.json
 * alike). The variable has one value per plan, so every such email of one
 * document names the same unknown project, and two of them are the same
 * account exactly when their texts are equal: the value holds one `@`, right
 * after the literal ID, so the IDs must agree, and what follows
 * `${var.NAME}` must then agree too, whatever NAME's value is. The verifier
 * reads them as opaque tokens, compared by text.
 *
 * Where that is not so the email stays unreadable (MS7010): a variable the
 * output does not declare, or another account of the output that some value
 * of the variable could make equal to it — the same ID in another variable's
 * project, a literal email `ID@…` ending in the same text, or any account
 * named by a reference (its email is known only at apply).
 */
import { isExpression, parseReference, TerraformDoc } from './terraform';

/** `ID@${var.NAME}SUFFIX`, with no other `@` and no other expression. */
const VARIABLE_EMAIL = /^([^@${}]+)@\$\{var\.([A-Za-z_][A-Za-z0-9_-]*)\}([^@${}]*)$/;

interface VariableEmail {
  readonly id: string;
  readonly variable: string;
  readonly suffix: string;
}

function variableEmail(v: unknown): VariableEmail | undefined {
  const m = typeof v === 'string' ? VARIABLE_EMAIL.exec(v) : null;
  return m ? { id: m[1], variable: m[2], suffix: m[3] } : undefined;
}

/** Could a value of `a`'s variable make `a` equal to the account `other` (a different text)? */
function mayEqual(a: VariableEmail, other: unknown): boolean {
  if (typeof other !== 'string') return false;
  if (parseReference(other)) return true;
  const b = variableEmail(other);
  if (b) return b.id === a.id && b.variable !== a.variable;
  // Other expressions are unreadable themselves (their rules are dropped and reported).
  if (isExpression(other)) return false;
  const at = other.indexOf('@');
  return at >= 0 && other.slice(0, at) === a.id && other.slice(at + 1).endsWith(a.suffix);
}

export class ServiceAccounts {
  /** Variable emails that are safe to compare by text, once decided. */
  private readonly readable = new Map<string, string | undefined>();

  /** `all`: every service-account value of the output and of identities.json, to look for a possible twin. */
  constructor(
    private readonly doc: TerraformDoc,
    private readonly all: readonly unknown[],
  ) {}

  /** The identity token of a service-account value: a readable variable email's text, otherwise as identityToken reads it. */
  token(v: unknown, where: string): string | undefined {
    const e = variableEmail(v);
    if (!e) return this.doc.identityToken(v, where);
    const why = this.unreadable(v as string, e);
    if (why === undefined) return v as string;
    this.doc.issue('MS7010', `${where}: cannot evaluate the expression ${String(v)}: ${why}`, where.split(' ')[0]);
    return undefined;
  }

  private unreadable(text: string, e: VariableEmail): string | undefined {
    if (this.readable.has(text)) return this.readable.get(text);
    const vars = this.doc.json?.variable;
    let why: string | undefined;
    if (!vars || typeof vars !== 'object' || !(e.variable in vars)) why = `the output declares no variable ${e.variable}`;
    else {
      const twin = this.all.find((o) => o !== text && mayEqual(e, o));
      if (twin !== undefined) why = `${JSON.stringify(twin)} may be the same account for some value of var.${e.variable}`;
    }
    this.readable.set(text, why);
    return why;
  }
}
