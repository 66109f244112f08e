[assembly: AssemblyFixture(typeof(Channel.Service.Tests.Messaging.RabbitMqNode))]
