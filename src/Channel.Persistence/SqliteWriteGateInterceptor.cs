using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Channel.Persistence;

/// <summary>
/// Puts the statements that write outside a transaction (ExecuteUpdate, ExecuteDelete, raw SQL) through the
/// context's <see cref="SqliteWriteGate"/>. Statements inside a transaction need nothing: the transaction holds the
/// gate (<see cref="ChannelDbContextTransactions.InTransactionAsync"/>, <see cref="ChannelDbContext.SaveChangesAsync(bool, CancellationToken)"/>).
/// Stateless: a context runs one command at a time, so the context itself remembers whether its command entered.
/// </summary>
internal sealed class SqliteWriteGateInterceptor : DbCommandInterceptor
{
    public static SqliteWriteGateInterceptor Instance { get; } = new();

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (command.Transaction is null && eventData.Context is ChannelDbContext context)
        {
            context.HoldWriteGateForCommand();
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (command.Transaction is null && eventData.Context is ChannelDbContext context)
        {
            await context.HoldWriteGateForCommandAsync(cancellationToken);
        }

        return result;
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Leave(eventData);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Leave(eventData);
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Leave(eventData);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData);
        return Task.CompletedTask;
    }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Leave(eventData);

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData);
        return Task.CompletedTask;
    }

    private static void Leave(CommandEventData eventData) => (eventData.Context as ChannelDbContext)?.ReleaseCommandWriteGate();
}
