/** Address, port and service algebra. */
export {
  AddressSet,
  addressAtoms,
  FAMILY_BITS,
  FAMILY_MAX,
  formatAddress,
  parseAddress,
  parseCidr,
} from './address';
export type { AddressRange, CidrParseResult, Family, ParsedCidr } from './address';
export { PORT_MAX, PortSet } from './ports';
export type { PortRange } from './ports';
export {
  parseServiceSpec,
  PROTO_ICMP,
  PROTO_ICMPV6,
  PROTO_TCP,
  PROTO_UDP,
  ServiceSet,
} from './service';
export type { ServiceParseResult, ServiceProtocol } from './service';
