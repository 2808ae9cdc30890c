using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Atelier.Platform.Http;

namespace Atelier.Features.Studio;

/// <summary>The studio: node registry (built-in and plugin packs), patch validation and the patches API.</summary>
public static class StudioExtensions
{
    private const string SchemaResource = "Atelier.Studio.patch.schema.json";

    public static IHostApplicationBuilder AddStudio(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<StudioOptions>().BindConfiguration(StudioOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StudioOptions>, StudioOptionsValidator>();
        services.AddSingleton<NodeRegistry>();
        services.AddSingleton<PatchValidator>();
        services.AddScoped<PatchService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapStudio(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        // Load the packs now, so a broken plugin is reported at start-up rather than on the first request.
        _ = app.ServiceProvider.GetRequiredService<NodeRegistry>();
        PatchesApi.Map(api);
        var studio = api.MapGroup("/studio").WithTags("Studio");
        studio.MapGet("/nodes", Nodes).WithSummary("Every node pack and its node types (built-in and plugins).");
        studio.MapGet("/patch-schema", Schema).WithSummary("The JSON Schema (draft 2020-12) of a patch document.");
        app.MapGet("/studio/plugins/{pack}/{**file}", PluginFile).ExcludeFromDescription();
        return app;
    }

    private static IResult Nodes(NodeRegistry registry, HttpContext http)
    {
        http.Response.Headers.CacheControl = "public, no-cache";
        http.Response.Headers.ETag = registry.NodesETag.ToString();
        return EntityTags.NotModified(http.Request, registry.NodesETag, modified: null)
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(registry.NodesJson, "application/json");
    }

    private static readonly Lazy<byte[]> SchemaBytes = new(() =>
    {
        using var stream = typeof(StudioExtensions).Assembly.GetManifestResourceStream(SchemaResource)
            ?? throw new InvalidOperationException($"The patch schema ({SchemaResource}) is missing from the build.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    });

    private static IResult Schema(HttpContext http)
    {
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Bytes(SchemaBytes.Value, "application/schema+json");
    }

    /// <summary>
    /// A file of a plugin pack: only code, data, styles and WebAssembly (never HTML or SVG, which would run as a page of
    /// this site), only inside the pack's folder, with its real type (nosniff is set for every response).
    /// </summary>
    private static IResult PluginFile(string pack, string file, NodeRegistry registry, HttpContext http)
    {
        if (registry.Pack(pack) is not { Folder: { } folder }
            || !PluginFiles.Types.TryGetValue(Path.GetExtension(file), out var type)
            || !PluginFiles.TryResolve(folder, file, out var path)
            || !File.Exists(path))
        {
            return Results.Problem(statusCode: 404, title: "There is no such plugin file.");
        }
        var info = new FileInfo(path);
        var modified = new DateTimeOffset(info.LastWriteTimeUtc);
        var etag = new EntityTagHeaderValue($"\"{info.Length.ToString(CultureInfo.InvariantCulture)}-{info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)}\"");
        // Plugins change when an operator replaces their files, without a new URL: browsers revalidate after 5 minutes.
        http.Response.Headers.CacheControl = "public, max-age=300";
        return Results.File(path, type, lastModified: modified, entityTag: etag);
    }
}
