using Microsoft.AspNetCore.OutputCaching;

namespace Atelier.Features.Publishing;

/// <summary>Tells the caches that published content changed.</summary>
internal sealed class ContentChanges(IOutputCacheStore cache)
{
    public ValueTask PublishedAsync(CancellationToken ct) => cache.EvictByTagAsync(PublishingExtensions.ContentTag, ct);
}
