using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Atelier.Features.Publishing;

/// <summary>One search result. <c>snippet</c> is HTML: escaped text whose only tags are <c>&lt;mark&gt;</c> around the matched words.</summary>
public sealed record SearchResultDto(string Type, string Title, string Url, string Snippet, double Score, DateTime PublishedAt);

public sealed record SearchResponse(IReadOnlyList<SearchResultDto> Items);

/// <summary>The query string of <c>GET /api/v1/search</c>.</summary>
public sealed record SearchRequest
{
    /// <summary>Words to find (PostgreSQL also understands "quoted phrases", <c>or</c> and <c>-word</c>).</summary>
    [FromQuery(Name = "q"), Required, StringLength(SearchIndex.MaxQueryLength, MinimumLength = 1)]
    public string? Q { get; init; }

    /// <summary>Only results of this type (<c>post</c>).</summary>
    [FromQuery(Name = "type"), MaxLength(SearchIndex.MaxTypeLength)]
    public string? Type { get; init; }

    /// <summary>Only results carrying exactly this tag.</summary>
    [FromQuery(Name = "tag"), MaxLength(SearchIndex.MaxTagLength)]
    public string? Tag { get; init; }

    [FromQuery(Name = "limit"), Range(1, SearchIndex.MaxLimit)]
    public int? Limit { get; init; }
}

internal static class SearchApi
{
    /// <summary>The index and the post source; other features add their own <see cref="ISearchSource"/>.</summary>
    public static IServiceCollection AddSearch(this IServiceCollection services)
    {
        services.AddScoped<SearchIndex>();
        services.AddScoped<ISearchSource, PostSearchSource>();
        return services;
    }

    public static void Map(RouteGroupBuilder api)
    {
        var search = api.MapGroup("/search").WithTags("Search");
        search.MapGet("", SearchAsync).AllowAnonymous()
            .WithSummary("Published content matching words, best first, with highlighted snippets.");
    }

    private static async Task<Ok<SearchResponse>> SearchAsync([AsParameters] SearchRequest request, SearchIndex index, CancellationToken ct)
    {
        var hits = await index.SearchAsync(request.Q!, request.Type, request.Tag, request.Limit ?? 20, ct);
        return TypedResults.Ok(new SearchResponse(hits.Select(h => new SearchResultDto(h.Type, h.Title, h.Url, h.Snippet, h.Score, h.PublishedAt)).ToList()));
    }

    /// <summary>The command line's <c>reindex</c>: rebuilds the search index from the content.</summary>
    internal static async Task<int> ReindexCommandAsync(IServiceProvider services)
    {
        var clock = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var counts = await scope.ServiceProvider.GetRequiredService<SearchIndex>().RebuildAsync(CancellationToken.None);
        Console.WriteLine($"Reindexed {counts.Values.Sum()} document(s) ({string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}"))}) in {clock.Elapsed.TotalSeconds:0.###} s");
        return 0;
    }
}
