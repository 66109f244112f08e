using Microsoft.Extensions.Options;

namespace Channel.Service.Media;

internal static class MediaServiceCollectionExtensions
{
    /// <summary>
    /// Files both ways (<c>Media:*</c>, validated at start-up): uploads kept for replies, downloads of inbound
    /// attachments on the live connection. Needs AddChannelOutbound (the live-connection lookup and error mapping).
    /// </summary>
    public static IServiceCollection AddChannelMedia(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MediaOptions>().Bind(configuration.GetSection(MediaOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MediaOptions>, MediaOptionsValidator>();
        services.AddSingleton<UploadMediaUseCase>();
        services.AddSingleton<DownloadMediaUseCase>();
        return services;
    }
}
