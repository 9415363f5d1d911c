/**
 * `targets.aws.flowLogs`: VPC Flow Logs on the policy's VPC, written so that
 * `stale` and `discover` read them without any option (docs/lifecycle.md).
 *
 * - Traffic type ALL: `stale` counts accepted connections, and reports the
 *   rejected ones apart; logging one verdict only would hide the other.
 * - A custom format holding every field the reader uses — the verdict
 *   (`action`), the packet's own ends behind a gateway (`pkt-srcaddr`,
 *   `pkt-dstaddr`), who opened the connection (`tcp-flags`), the record's
 *   time (`start`) and `log-status` (NODATA/SKIPDATA lines) — plus the
 *   default format's other fields and `flow-direction`, for people reading it.
 * - S3 delivery as plain text: each file begins with a header line naming
 *   the fields, which the reader takes the layout from. Daily partitions by
 *   default (AWS's default): `stale` reads a 90-day window, and per-hour
 *   partitions would multiply the prefixes to list by 24.
 * - CloudWatch Logs delivery writes no header: pass AWS_FLOW_LOG_FORMAT to
 *   `--aws-format` (`compile` prints it in a note).
 *
 * In Terraform JSON a string is a template, so the format's `${field}`s are
 * written `$${field}` (a literal `${`).
 */
import { AwsFlowLogsDoc } from '../../model/types';
import { Diagnostic } from '../../model/diagnostics';
import { ResolvedPolicy } from '../../resolve/ir';
import { EmittedResource, ResourceList } from '../emit';
import { Reporter } from '../kit/report';

/** AWS's default (version 2) format: what a flow log without `log_format` writes (docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html). */
export const AWS_DEFAULT_FORMAT_FIELDS = ['version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status'] as const;

/** The fields of our format, in order: the default format's, then those the reader needs beyond it. */
export const AWS_FLOW_LOG_FIELDS: readonly string[] = [...AWS_DEFAULT_FORMAT_FIELDS, 'tcp-flags', 'pkt-srcaddr', 'pkt-dstaddr', 'flow-direction'];

/** The format string as AWS takes it (and `--aws-format` reads it). */
export const AWS_FLOW_LOG_FORMAT = AWS_FLOW_LOG_FIELDS.map((f) => `\${${f}}`).join(' ');

/** Where the flow log sits below the segmentation: `_` keeps it apart from every segment (segment names have none). */
export const FLOW_LOG_PATH = ['flow_log'];

/**
 * Check the settings together (the schema checks each field) and say how
 * the logs will be read; throws a located PolicyError (MS4005) when they
 * cannot be applied.
 */
export function checkAwsFlowLogs(ir: ResolvedPolicy, cfg: AwsFlowLogsDoc, rep: Reporter = new Reporter(ir, 'aws')): readonly Diagnostic[] {
  const at = (key?: string) => ['targets', 'aws', 'flowLogs', ...(key ? [key] : [])];
  const cloudWatch = cfg.destinationType === 'cloud-watch-logs';
  if (cloudWatch && cfg.iamRoleArn === undefined) rep.add('MS4005', 'flowLogs to cloud-watch-logs need iamRoleArn: the role the flow-log service writes to the log group with', undefined, at());
  if (!cloudWatch && cfg.iamRoleArn !== undefined) rep.add('MS4005', 'flowLogs to s3 take no iamRoleArn: the bucket policy grants delivery', undefined, at('iamRoleArn'));
  if (cloudWatch && cfg.perHourPartition !== undefined) rep.add('MS4005', 'perHourPartition is an S3 setting, and flowLogs go to cloud-watch-logs', undefined, at('perHourPartition'));
  rep.failIfErrors();
  if (cloudWatch) rep.add('MS4103', `CloudWatch Logs writes flow logs without a header line: read them with --aws-format '${AWS_FLOW_LOG_FORMAT}'`, undefined, at());
  return rep.notes;
}

/** The `aws_flow_log` of the VPC. */
export function emitAwsFlowLog(out: ResourceList, cfg: AwsFlowLogsDoc, vpcId: string, tags: Readonly<Record<string, string>>): EmittedResource {
  const s3 = (cfg.destinationType ?? 's3') === 's3';
  const body: Record<string, unknown> = {
    ...(s3 ? { destination_options: { file_format: 'plain-text', hive_compatible_partitions: false, per_hour_partition: cfg.perHourPartition ?? false } } : {}),
    ...(cfg.iamRoleArn !== undefined ? { iam_role_arn: cfg.iamRoleArn } : {}),
    log_destination: cfg.destination,
    log_destination_type: s3 ? 's3' : 'cloud-watch-logs',
    log_format: AWS_FLOW_LOG_FORMAT.split('${').join('$${'),
    max_aggregation_interval: cfg.maxAggregationInterval ?? 600,
    tags,
    traffic_type: 'ALL',
    vpc_id: vpcId,
  };
  return out.add('aws_flow_log', FLOW_LOG_PATH, body);
}
