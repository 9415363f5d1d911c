/**
 * Well-known services usable by name without declaring them in `services`.
 * A policy's own `services` entry of the same name takes precedence.
 * Documented in docs/services.md.
 */
export const SERVICE_CATALOG: Readonly<Record<string, readonly string[]>> = Object.freeze({
  amqps: ['tcp/5671'],
  cassandra: ['tcp/9042'],
  consul: ['tcp/8500'],
  dns: ['udp/53', 'tcp/53'],
  elasticsearch: ['tcp/9200', 'tcp/9300'],
  etcd: ['tcp/2379-2380'],
  http: ['tcp/80'],
  https: ['tcp/443'],
  imaps: ['tcp/993'],
  kafka: ['tcp/9092'],
  kerberos: ['tcp/88', 'udp/88'],
  kubelet: ['tcp/10250'],
  'kubernetes-api': ['tcp/6443'],
  ldap: ['tcp/389'],
  ldaps: ['tcp/636'],
  memcached: ['tcp/11211'],
  mongodb: ['tcp/27017'],
  mssql: ['tcp/1433'],
  mysql: ['tcp/3306'],
  nats: ['tcp/4222'],
  nfs: ['tcp/2049', 'udp/2049'],
  ntp: ['udp/123'],
  oracle: ['tcp/1521'],
  postgres: ['tcp/5432'],
  prometheus: ['tcp/9090'],
  rabbitmq: ['tcp/5672'],
  radius: ['udp/1812-1813'],
  rdp: ['tcp/3389'],
  redis: ['tcp/6379'],
  smb: ['tcp/445'],
  smtp: ['tcp/25'],
  smtps: ['tcp/465'],
  snmp: ['udp/161'],
  ssh: ['tcp/22'],
  submission: ['tcp/587'],
  syslog: ['udp/514'],
  vault: ['tcp/8200'],
  vnc: ['tcp/5900'],
  winrm: ['tcp/5985-5986'],
  zookeeper: ['tcp/2181'],
});

/** `record[key]` when it is the record's own entry: a name like `constructor` or `toString` names nothing. */
export function ownEntry<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
