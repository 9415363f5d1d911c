/**
 * Which flow-log format a file holds, decided from its first bytes (after
 * gunzip), never from its name: logs are renamed, concatenated and
 * re-compressed on their way to an analyst.
 */
import { looksLikeAwsRecord, parseAwsHeader } from './aws';
import { FlowFormat } from './record';

export interface Detected {
  readonly format: FlowFormat;
  /** `lines`: one JSON value (or one text record) per line; `document`: a JSON document to scan. */
  readonly layout: 'lines' | 'document';
}

export function detectFormat(head: string): Detected | undefined {
  const text = head.replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const format: FlowFormat | undefined = /"(flowTuples|flowRecords|flowGroups|flowLogVersion)"/.test(text)
      ? 'azure'
      : /"(jsonPayload|src_ip|dest_ip)"/.test(text)
        ? 'gcp'
        : undefined;
    if (!format) return undefined;
    return { format, layout: firstLineIsJson(trimmed) ? 'lines' : 'document' };
  }
  for (const line of text.split('\n').slice(0, 5)) {
    if (line.trim() === '') continue;
    if (parseAwsHeader(line) || looksLikeAwsRecord(line)) return { format: 'aws', layout: 'lines' };
    break;
  }
  return undefined;
}

/** NDJSON: the first line is a whole JSON object by itself. */
function firstLineIsJson(text: string): boolean {
  if (!text.startsWith('{')) return false;
  const nl = text.indexOf('\n');
  if (nl < 0) return false;
  try {
    const v = JSON.parse(text.slice(0, nl));
    return typeof v === 'object' && v !== null;
  } catch {
    return false;
  }
}
