/** Athena (Trino) over the standard AWS VPC Flow Logs table (`vpc_flow_logs`, default v2 columns). */
import { AddressSet } from '../../net/address';
import { ResolvedPolicy } from '../../resolve/ir';
import { Membership } from '../inventory';
import { SqlOptions } from './common';
import { discoverSql, staleSql } from './queries';

type Opts = Omit<SqlOptions, 'warehouse'>;

export function athenaStaleSql(ir: ResolvedPolicy, members: readonly Membership[], o: Opts = {}): string {
  return staleSql(ir, members, { ...o, warehouse: 'athena' });
}

export function athenaDiscoverSql(keys: readonly [string, string][], internal: AddressSet, o: Opts = {}, ir?: ResolvedPolicy): string {
  return discoverSql(keys, internal, { ...o, warehouse: 'athena' }, ir);
}
