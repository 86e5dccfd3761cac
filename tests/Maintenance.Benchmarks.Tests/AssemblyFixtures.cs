using Maintenance.Testing;

[assembly: AssemblyFixture(typeof(PostgresServer))]
[assembly: AssemblyFixture(typeof(RedisServer))]
[assembly: AssemblyFixture(typeof(RabbitMqServer))]
