/**
 * SegmentationPolicy: a validated, immutable policy document with the source
 * location of every node. Every front door (YAML/JSON file, plain object,
 * typed `define`) ends here; everything downstream reads only this.
 */
import { Diagnostic, SourceLocation } from './diagnostics';
import { NodePath, PolicyDocument } from './types';

/** Maps a node path to where it was written. */
export type Locator = (path: NodePath) => SourceLocation | undefined;

export class SegmentationPolicy {
  /** The document, deep-frozen, with defaults NOT filled in (resolve does that). */
  readonly doc: PolicyDocument;
  /** File the policy came from (`<object>` / `<define>` for the typed front doors). */
  readonly file: string;
  /** Warnings and infos found while validating (errors never reach a SegmentationPolicy). */
  readonly diagnostics: readonly Diagnostic[];
  private readonly locator: Locator;

  /** @internal use fromFile / fromObject / define / fromSource. */
  constructor(doc: PolicyDocument, file: string, locator: Locator, diagnostics: readonly Diagnostic[]) {
    this.doc = doc;
    this.file = file;
    this.locator = locator;
    this.diagnostics = diagnostics;
  }

  get name(): string {
    return this.doc.metadata.name;
  }

  /** Location of a node, falling back to the nearest located ancestor. */
  locate(path: NodePath): SourceLocation | undefined {
    for (let n = path.length; n >= 0; n--) {
      const loc = this.locator(path.slice(0, n));
      if (loc) return loc;
    }
    return undefined;
  }
}
