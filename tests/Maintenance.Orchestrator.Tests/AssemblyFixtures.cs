using Maintenance.Testing;

[assembly: AssemblyFixture(typeof(PostgresServer))]
[assembly: AssemblyFixture(typeof(RabbitMqServer))]
[assembly: AssemblyFixture(typeof(RedisServer))]
