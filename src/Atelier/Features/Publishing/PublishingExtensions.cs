using Microsoft.EntityFrameworkCore;
using Atelier.Features.Publishing.Markdown;
using Atelier.Platform.Data;

namespace Atelier.Features.Publishing;

public static class PublishingExtensions
{
    /// <summary>Output-cache policy of anonymous public pages and feeds.</summary>
    public const string PublicPages = "public-pages";

    /// <summary>Output-cache tag evicted whenever posts change.</summary>
    public const string ContentTag = "content";

    public static IHostApplicationBuilder AddPublishing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ObsidianRenderer>();
        builder.Services.AddSingleton<AssetStore>();
        builder.Services.AddScoped<VaultImporter>();
        builder.Services.AddScoped<PostQueries>();
        builder.Services.AddScoped<PostWriter>();
        builder.Services.AddScoped<PostImages>();
        builder.Services.AddSingleton<ContentChanges>();
        builder.Services.AddSingleton<Platform.Cluster.IClusterHandler, ContentChanges.CacheHandler>();
        builder.Services.AddScoped<VaultSync>();
        builder.Services.AddScoped<VaultRegistry>();
        builder.Services.AddSingleton<GitSource>();
        builder.Services.AddScoped<Platform.Jobs.IJobHandler, VaultImportJob>();
        builder.Services.AddHostedService<GitSyncScheduler>();
        // Public pages are cached per instance for a minute and dropped at once when content changes on any instance
        // (ContentChanges goes through the cluster bus: PostgreSQL NOTIFY between instances).
        // Atelier:Publishing:CachePages=false turns it off (to measure, or to debug).
        var cachePages = builder.Configuration.GetValue("Atelier:Publishing:CachePages", true);
        builder.Services.AddOutputCache(o => o.AddPolicy(PublicPages, b =>
        {
            if (cachePages)
            {
                b.Expire(TimeSpan.FromSeconds(60)).Tag(ContentTag);
            }
            else
            {
                b.NoCache();
            }
        }));
        builder.Services.AddSearch();
        return builder;
    }

    public static IEndpointRouteBuilder MapPublishing(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        VaultsApi.Map(api);
        PostsApi.Map(api);
        SearchApi.Map(api);
        // Attachments are content-addressed: the hash in the URL names the bytes forever.
        app.MapGet("/assets/{sha256}/{name}", (string sha256, string name, AssetStore store, HttpContext http) =>
        {
            if (store.Find(sha256) is not { } path)
            {
                return Results.NotFound();
            }
            var type = AssetStore.ContentTypeOf(name);
            http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            if (type == "image/svg+xml")
            {
                // SVG can carry script: served only as a sandboxed document.
                http.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'";
            }
            return Results.File(path, type, enableRangeProcessing: true, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{sha256}\""));
        }).ExcludeFromDescription();
        Feeds.MapFeeds(app);
        return app;
    }

    /// <summary>The command line's <c>seed-demo</c>: the sample vault shipped with Atelier, so a new site is not empty.</summary>
    internal static Task<int> SeedDemoCommandAsync(IServiceProvider services, IConfiguration config) =>
        ImportVaultCommandAsync(services, config, Path.Combine(AppContext.BaseDirectory, "DemoVault"), "demo");

    /// <summary>The command line's <c>import-vault PATH [--name NAME] [--publish all|frontmatter|folders]</c>.</summary>
    internal static async Task<int> ImportVaultCommandAsync(IServiceProvider services, IConfiguration config, string? path, string? vaultName = null)
    {
        if (string.IsNullOrWhiteSpace(path) || !Directory.Exists(path))
        {
            await Console.Error.WriteLineAsync($"import-vault needs the path of an existing vault folder{(path is null ? "" : $"; '{path}' is not one")}.");
            return 2;
        }
        var rule = config["publish"] ?? "frontmatter";
        if (rule is not ("all" or "frontmatter" or "folders"))
        {
            await Console.Error.WriteLineAsync("--publish must be all, frontmatter or folders.");
            return 2;
        }
        var full = Path.GetFullPath(path);
        var name = vaultName ?? config["name"] ?? Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar));
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        var vault = await db.Vaults.SingleOrDefaultAsync(v => v.Name == name);
        if (vault is null)
        {
            vault = new Vault { Name = name, SourcePath = full, CreatedAt = DateTime.UtcNow };
            db.Vaults.Add(vault);
        }
        vault.SourcePath = full;
        vault.PublishRule = rule;
        vault.Folders = string.Join('\n', (config["folders"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        await db.SaveChangesAsync();

        var log = await scope.ServiceProvider.GetRequiredService<VaultImporter>().ImportAsync(vault, CancellationToken.None);
        db.VaultImports.Add(new VaultImport
        {
            VaultId = vault.Id,
            Status = "succeeded",
            CreatedAt = DateTime.UtcNow,
            FinishedAt = DateTime.UtcNow,
            LogJson = System.Text.Json.JsonSerializer.Serialize(log, Platform.Jobs.JobQueue.Json),
        });
        await db.SaveChangesAsync();
        Console.WriteLine($"Imported vault '{vault.Name}' from {full} in {log.Seconds:0.###} s");
        Console.WriteLine($"  notes {log.Notes}: created {log.Created}, updated {log.Updated}, unchanged {log.Unchanged}, unpublished {log.Unpublished}, renamed {log.Renamed}");
        Console.WriteLine($"  attachments stored {log.Attachments}; links resolved {log.LinksResolved}, unresolved {log.UnresolvedLinks.Count}");
        foreach (var link in log.UnresolvedLinks.Take(50))
        {
            Console.WriteLine($"    unresolved [[{link.Target}]] in {link.Source}");
        }
        foreach (var error in log.Errors)
        {
            Console.WriteLine($"  error {error.Path}: {error.Message}");
        }
        return 0;
    }
}
