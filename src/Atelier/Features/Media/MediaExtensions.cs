using Microsoft.Extensions.Options;
using Atelier.Platform;
using Atelier.Features.Media.Processing;
using Atelier.Platform.Storage;

namespace Atelier.Features.Media;

public static class MediaExtensions
{
    public static IHostApplicationBuilder AddMedia(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IBlobStorage>(services =>
        {
            var atelier = services.GetRequiredService<IOptions<AtelierOptions>>().Value;
            return atelier.Storage.Provider == StorageProvider.S3
                ? new S3BlobStorage(atelier.Storage.S3)
                : new LocalBlobStorage(string.IsNullOrEmpty(atelier.Storage.LocalPath) ? Path.Combine(atelier.FullDataPath, "media") : atelier.Storage.LocalPath);
        });
        builder.Services.AddScoped<MediaUploads>();
        builder.Services.AddScoped<MediaLibrary>();
        builder.Services.AddScoped<Platform.Jobs.IJobHandler, MediaProcessing>();
        builder.Services.AddOptions<Processing.MediaToolOptions>().BindConfiguration(Processing.MediaToolOptions.Section);
        builder.Services.AddMediaProcessing();
        builder.Services.AddHealthChecks().AddCheck<Processing.MediaToolsHealthCheck>("media-tools", tags: ["ready"]);
        builder.Services.AddAlbums();
        return builder;
    }

    public static IEndpointRouteBuilder MapMedia(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        MediaApi.Map(api);
        AlbumsApi.Map(api);
        MediaServing.Map(app);
        return app;
    }
}
