using Microsoft.Data.SqlClient;

namespace Channel.Persistence.Tests;

/// <summary>
/// Runs everywhere, Docker or not. Microsoft.Data.SqlClient refuses to open any connection in
/// globalization-invariant mode, which this repository turns on by default; the projects that may talk to SQL Server
/// turn it off again. Without a server the connection must fail as a network error, not as an unsupported runtime.
/// </summary>
public sealed class SqlServerClientTests
{
    [Fact]
    public async Task Open_NothingListening_FailsAsANetworkErrorNotAsAnUnsupportedRuntime()
    {
        await using var connection = new SqlConnection("Server=127.0.0.1,1;Database=channel;User Id=sa;Password=unused;Encrypt=False;Connect Timeout=2");

        var error = await Record.ExceptionAsync(() => connection.OpenAsync(TestContext.Current.CancellationToken));

        Assert.IsType<SqlException>(error);
    }
}
