using Microsoft.AspNetCore.OutputCaching;
using Atelier.Platform.Cluster;

namespace Atelier.Features.Publishing;

/// <summary>Tells the caches of every instance that published content changed.</summary>
internal sealed class ContentChanges(IClusterBus bus)
{
    public const string Channel = "content";

    public Task PublishedAsync(CancellationToken ct) => bus.PublishAsync(Channel, "", ct);

    /// <summary>Drops this instance's cached public pages when any instance changed content, or after missing messages.</summary>
    internal sealed class CacheHandler(IOutputCacheStore cache) : IClusterHandler
    {
        public string Channel => ContentChanges.Channel;

        public Task HandleAsync(string? payload, CancellationToken ct) => cache.EvictByTagAsync(PublishingExtensions.ContentTag, ct).AsTask();
    }
}
