using Channel.Grpc.V1;
using Channel.Service.Accounts;
using Grpc.Core;

namespace Channel.Service.Grpc;

/// <summary>channel.v1.TelegramAccounts: request → use case → reply. Errors are mapped by ExceptionMappingInterceptor.</summary>
internal sealed partial class TelegramAccountsService(
    CreateAccountUseCase createAccount, GetAccountUseCase getAccount, ListAccountsUseCase listAccounts,
    DeleteAccountUseCase deleteAccount) : TelegramAccounts.TelegramAccountsBase
{
    public override async Task<TelegramAccount> CreateAccount(CreateAccountRequest request, ServerCallContext context)
    {
        var account = await createAccount.ExecuteAsync(
            new CreateAccountCommand(request.HelpdeskAccountId, request.ApiId, request.ApiHash, request.PhoneNumber, request.DisplayName),
            context.CancellationToken);
        return account.ToProto();
    }

    public override async Task<TelegramAccount> GetAccount(GetAccountRequest request, ServerCallContext context)
    {
        var found = await getAccount.ExecuteAsync(request.AccountId, context.CancellationToken);
        var reply = found.Account.ToProto();
        reply.Connection = found.Connection.ToProto();
        return reply;
    }

    public override async Task<ListAccountsResponse> ListAccounts(ListAccountsRequest request, ServerCallContext context)
    {
        var page = await listAccounts.ExecuteAsync(
            new ListAccountsQuery(
                request.HelpdeskAccountId, request.Statuses.Select(AccountMapping.FromProto).ToList(), request.PageSize, request.PageToken),
            context.CancellationToken);
        var response = new ListAccountsResponse { NextPageToken = page.NextPageToken ?? string.Empty };
        response.Accounts.AddRange(page.Accounts.Select(a => a.ToProto()));
        return response;
    }

    public override async Task<DeleteAccountResponse> DeleteAccount(DeleteAccountRequest request, ServerCallContext context)
    {
        await deleteAccount.ExecuteAsync(request.AccountId, context.CancellationToken);
        return new DeleteAccountResponse();
    }
}
