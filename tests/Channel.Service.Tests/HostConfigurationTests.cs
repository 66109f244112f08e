extern alias service;

using Channel.Persistence.Configuration;
using ChannelHost = service::Channel.Service.Hosting.ChannelHost;

namespace Channel.Service.Tests;

public sealed class HostConfigurationTests
{
    [Theory]
    [InlineData("--Service:ListenUrl=https://127.0.0.1:5000", "Service:ListenUrl")]
    [InlineData("--Service:ListenUrl=not a url", "Service:ListenUrl")]
    [InlineData("--Database:Provider=Oracle", "Database:Provider")]
    [InlineData("--Database:Provider=SqlServer", "ConnectionStrings:Channel")]
    [InlineData("--DataProtection:KeyEncryptionKey=short", "DataProtection:KeyEncryptionKey")]
    public void Build_InvalidConfiguration_FailsNamingTheKey(string argument, string key)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => ChannelHost.Build([argument]));

        Assert.Equal(key, error.Key);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

}
