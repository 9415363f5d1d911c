/** Plan stability of the azure output; see one-target.ts. Numbers are for the 30-segment generated policy. */
import { stabilitySuite } from './one-target';

// 6 (env, app) pairs; one outbound rule in the source NSG, one inbound in the destination's.
stabilitySuite('azure', {
  add: 12,
  remove: 12,
  rename: 12,
  // Probing: this rule had been displaced by queue-to-app's slot and now takes its preferred priority.
  renameMoves: ['azurerm_network_security_rule.azure_dns_out_a002-web-prod_tcp_ip6_A63A6887'],
});
