/**
 * `targets.azure.flowLogs`: VNet flow logs on the VNet the segmentation's
 * NSGs guard (`azurerm_network_watcher_flow_log` with `target_resource_id`
 * the VNet, format version 2), written to a storage account that
 * `microseg stale` reads as exported (docs/lifecycle.md). NSG flow logs are
 * being retired, so the policy never turns them on.
 *
 * The flow log belongs to the region's Network Watcher, which Azure creates
 * as `NetworkWatcher_<location>` in `NetworkWatcherRG`; both can be named.
 * Retention defaults to 90 days, the default window of `stale`: a shorter
 * one could never show a rule used once a quarter.
 */
import { AzureFlowLogsDoc } from '../../model/types';
import { EmittedResource, ResourceList } from '../emit';

/** Where the flow log sits below the segmentation: `_` keeps it apart from every segment's `<segment>-asg`/`-nsg`. */
export const FLOW_LOG_PATH = ['flow_log'];
export const DEFAULT_RETENTION_DAYS = 90;

export function emitAzureFlowLog(out: ResourceList, cfg: AzureFlowLogsDoc, opts: { policy: string; location: string; tags: Readonly<Record<string, string>> }): EmittedResource {
  const days = cfg.retentionDays ?? DEFAULT_RETENTION_DAYS;
  return out.add('azurerm_network_watcher_flow_log', FLOW_LOG_PATH, {
    enabled: true,
    location: opts.location,
    name: `${opts.policy}-vnet-flow-log`,
    network_watcher_name: cfg.networkWatcherName ?? `NetworkWatcher_${opts.location}`,
    resource_group_name: cfg.networkWatcherResourceGroupName ?? 'NetworkWatcherRG',
    // Days 0 with retention off: Azure keeps the records until the storage account's own lifecycle removes them.
    retention_policy: { days, enabled: days > 0 },
    storage_account_id: cfg.storageAccountId,
    tags: opts.tags,
    target_resource_id: cfg.virtualNetworkId,
    version: 2,
  });
}
