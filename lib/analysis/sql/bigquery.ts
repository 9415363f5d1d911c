/** BigQuery over the GCP VPC Flow Logs export (`compute_googleapis_com_vpc_flows`, `jsonPayload.connection.*`). */
import { AddressSet } from '../../net/address';
import { ResolvedPolicy } from '../../resolve/ir';
import { Membership } from '../inventory';
import { SqlOptions } from './common';
import { discoverSql, staleSql } from './queries';

type Opts = Omit<SqlOptions, 'warehouse'>;

export function bigqueryStaleSql(ir: ResolvedPolicy, members: readonly Membership[], o: Opts = {}): string {
  return staleSql(ir, members, { ...o, warehouse: 'bigquery' });
}

export function bigqueryDiscoverSql(keys: readonly [string, string][], internal: AddressSet, o: Opts = {}, ir?: ResolvedPolicy): string {
  return discoverSql(keys, internal, { ...o, warehouse: 'bigquery' }, ir);
}
