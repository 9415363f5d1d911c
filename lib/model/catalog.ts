/**
 * Well-known services usable by name without declaring them in `services`.
 * A policy's own `services` entry of the same name takes precedence.
 * Documented in docs/services.md.
 */
export const SERVICE_CATALOG: Readonly<Record<string, readonly string[]>> = Object.freeze({
  dns: ['udp/53', 'tcp/53'],
  elasticsearch: ['tcp/9200', 'tcp/9300'],
  http: ['tcp/80'],
  https: ['tcp/443'],
  kafka: ['tcp/9092'],
  'kubernetes-api': ['tcp/6443'],
  ldap: ['tcp/389'],
  ldaps: ['tcp/636'],
  memcached: ['tcp/11211'],
  mongodb: ['tcp/27017'],
  mssql: ['tcp/1433'],
  mysql: ['tcp/3306'],
  nfs: ['tcp/2049', 'udp/2049'],
  ntp: ['udp/123'],
  postgres: ['tcp/5432'],
  prometheus: ['tcp/9090'],
  rabbitmq: ['tcp/5672'],
  rdp: ['tcp/3389'],
  redis: ['tcp/6379'],
  smtp: ['tcp/25'],
  smtps: ['tcp/465'],
  snmp: ['udp/161'],
  ssh: ['tcp/22'],
  syslog: ['udp/514'],
  zookeeper: ['tcp/2181'],
});
