/**
 * Which flow-log format a file holds, decided from its first bytes (after
 * gunzip), never from its name: logs are renamed, concatenated and
 * re-compressed on their way to an analyst.
 */
import { looksLikeAwsRecord, parseAwsHeader, stripTimestamp } from './aws';
import { FlowFormat } from './record';

export interface Detected {
  readonly format: FlowFormat;
  /** `lines`: one JSON value (or one text record) per line; `document`: a JSON document to scan. */
  readonly layout: 'lines' | 'document';
}

/**
 * `awsFormat`: the user said the text is AWS flow-log records in that
 * format (headerless CloudWatch delivery), so a text file is read as AWS
 * once its first record has that many fields.
 */
export function detectFormat(head: string, awsFormat?: readonly string[]): Detected | undefined {
  const text = head.replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    // `aws logs filter-log-events` / `get-log-events` output: {"events": [{"timestamp", "message", …}]}.
    const cloudwatch = /"message"\s*:/.test(text) && /"(events|logStreamName|ingestionTime)"/.test(text);
    const format: FlowFormat | undefined = /"(flowTuples|flowRecords|flowGroups|flowLogVersion)"/.test(text)
      ? 'azure'
      : /"(jsonPayload|src_ip|dest_ip)"/.test(text)
        ? 'gcp'
        : cloudwatch
          ? 'aws'
          : undefined;
    if (!format) return undefined;
    // CloudWatch JSON is scanned as a document: one `events` wrapper or one event per line, both are units.
    if (format === 'aws') return { format, layout: 'document' };
    return { format, layout: firstLineIsJson(trimmed) ? 'lines' : 'document' };
  }
  for (const line of text.split('\n').slice(0, 5)) {
    if (line.trim() === '') continue;
    if (parseAwsHeader(line) || looksLikeAwsRecord(line)) return { format: 'aws', layout: 'lines' };
    if (awsFormat) {
      const n = stripTimestamp(line.trim()).split(/\s+/).length;
      if (n === awsFormat.length || (n === awsFormat.length + 1 && stripTimestamp(line) !== line)) return { format: 'aws', layout: 'lines' };
    }
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
