using Channel.Domain.Accounts;
using Channel.Service.Accounts;
using Channel.Service.Errors;

namespace Channel.Service.Hosting;

public static class ServiceCollectionExtensions
{
    /// <summary>The account use cases, the phone parser and the error mapping they rely on.</summary>
    public static IServiceCollection AddChannelUseCases(this IServiceCollection services)
    {
        services.AddSingleton<IPhoneNumberParser, LibPhoneNumberParser>();
        services.AddSingleton<IRpcExceptionMapper, CoreRpcExceptionMapper>();
        services.AddScoped<CreateAccountUseCase>();
        services.AddScoped<GetAccountUseCase>();
        services.AddScoped<ListAccountsUseCase>();
        services.AddScoped<DeleteAccountUseCase>();
        return services;
    }
}
