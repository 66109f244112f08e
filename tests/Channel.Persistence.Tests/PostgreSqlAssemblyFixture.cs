[assembly: AssemblyFixture(typeof(Channel.Tests.Infrastructure.PostgreSqlNode))]
