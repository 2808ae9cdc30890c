using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Atelier.Features.Media.Processing;

internal static class MediaProcessingExtensions
{
    /// <summary>
    /// The processors, one per <see cref="MediaKind"/> (resolve <c>IEnumerable&lt;IMediaProcessor&gt;</c> and pick by
    /// <see cref="IMediaProcessor.Kind"/>), and the <see cref="MediaTools"/> they share. Binding <c>Media:Tools</c> to
    /// <see cref="MediaToolOptions"/> and adding <see cref="MediaToolsHealthCheck"/> are left to the feature.
    /// </summary>
    public static IServiceCollection AddMediaProcessing(this IServiceCollection services)
    {
        services.AddOptions<MediaToolOptions>();
        services.TryAddSingleton<MediaTools>();
        services.AddSingleton<IMediaProcessor, ImageProcessor>();
        services.AddSingleton<IMediaProcessor, AudioProcessor>();
        services.AddSingleton<IMediaProcessor, VideoProcessor>();
        services.AddSingleton<IMediaProcessor, ModelProcessor>();
        services.AddSingleton<IMediaProcessor, DocumentProcessor>();
        return services;
    }
}
