using Channel.Grpc.V1;
using Channel.Service.Onboarding;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using LoginCodeType = Channel.MTProto.Login.CodeType;
using SentCode = Channel.MTProto.Login.SentCode;

namespace Channel.Service.Grpc;

/// <summary>The onboarding RPCs: request → use case → reply. The use cases come from the call's scope.</summary>
internal sealed partial class TelegramAccountsService
{
    public override async Task<SendCodeResponse> SendCode(SendCodeRequest request, ServerCallContext context) =>
        ToProto(await UseCase<SendCodeUseCase>(context).SendAsync(request.AccountId, context.CancellationToken));

    public override async Task<SendCodeResponse> ResendCode(ResendCodeRequest request, ServerCallContext context) =>
        ToProto(await UseCase<SendCodeUseCase>(context).ResendAsync(request.AccountId, context.CancellationToken));

    public override async Task<VerifyCodeResponse> VerifyCode(VerifyCodeRequest request, ServerCallContext context)
    {
        var result = await UseCase<VerifyCodeUseCase>(context).ExecuteAsync(request.AccountId, request.Code, context.CancellationToken);
        return new VerifyCodeResponse
        {
            Account = result.Account.ToProto(),
            PasswordRequired = result.PasswordRequired,
            PasswordHint = result.PasswordHint ?? string.Empty,
        };
    }

    public override async Task<Channel.Grpc.V1.TelegramAccount> SubmitPassword(SubmitPasswordRequest request, ServerCallContext context) =>
        (await UseCase<SubmitPasswordUseCase>(context).ExecuteAsync(request.AccountId, request.Password, context.CancellationToken)).ToProto();

    public override async Task<Channel.Grpc.V1.TelegramAccount> LogOut(LogOutRequest request, ServerCallContext context) =>
        (await UseCase<LogOutUseCase>(context).ExecuteAsync(request.AccountId, context.CancellationToken)).ToProto();

    public override async Task<Channel.Grpc.V1.TelegramAccount> CancelCode(CancelCodeRequest request, ServerCallContext context) =>
        (await UseCase<CancelCodeUseCase>(context).ExecuteAsync(request.AccountId, context.CancellationToken)).ToProto();

    private static T UseCase<T>(ServerCallContext context)
        where T : notnull => context.GetHttpContext().RequestServices.GetRequiredService<T>();

    private static SendCodeResponse ToProto(CodeSentResult result) => new()
    {
        Account = result.Account.ToProto(),
        Delivery = ToProto(result.Delivery),
    };

    private static CodeDelivery ToProto(SentCode sent)
    {
        var delivery = new CodeDelivery
        {
            Type = ToProto(sent.Type),
            NextType = sent.NextType is { } next ? ToProto(next) : CodeType.Unspecified,
            CodeLength = sent.CodeLength ?? 0,
        };
        if (sent.Timeout is { } timeout)
        {
            delivery.Timeout = Duration.FromTimeSpan(timeout);
        }

        return delivery;
    }

    private static CodeType ToProto(LoginCodeType type) => type switch
    {
        LoginCodeType.App => CodeType.App,
        LoginCodeType.Sms or LoginCodeType.FirebaseSms or LoginCodeType.SmsWord or LoginCodeType.SmsPhrase => CodeType.Sms,
        LoginCodeType.Call => CodeType.Call,
        LoginCodeType.FlashCall => CodeType.FlashCall,
        LoginCodeType.MissedCall => CodeType.MissedCall,
        LoginCodeType.Email => CodeType.Email,
        LoginCodeType.Fragment => CodeType.Fragment,
        LoginCodeType.SetUpEmailRequired => CodeType.SetUpEmailRequired,
        _ => CodeType.Other,
    };
}
