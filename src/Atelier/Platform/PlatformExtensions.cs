using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;
using Atelier.Platform.Cluster;
using Atelier.Platform.Data;
using Atelier.Platform.Email;
using Atelier.Platform.Health;
using Atelier.Platform.Http;
using Atelier.Platform.Jobs;
using Atelier.Platform.Telemetry;

namespace Atelier.Platform;

internal static class PlatformExtensions
{
    public static IHostApplicationBuilder AddPlatform(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AtelierOptions>().Bind(builder.Configuration.GetSection(AtelierOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AtelierOptions>, AtelierOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        builder.AddTelemetry();
        builder.AddData();
        builder.AddJobs();
        builder.AddCluster();
        builder.AddEmail();
        builder.AddAtelierHealth();
        builder.AddRateLimits();

        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Extensions.TryAdd("traceId", System.Diagnostics.Activity.Current?.TraceId.ToString() ?? c.HttpContext.TraceIdentifier);
            if (c.ProblemDetails is HttpValidationProblemDetails validation)
            {
                CamelCaseErrorKeys(validation);
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Unreadable bodies become exceptions so the handler above can say what was wrong (400/413/415 problems).
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddValidation();
        // Enums travel as their names ("Published", "Article"), in requests and responses alike.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddRouting(o => o.LowercaseUrls = true);
        services.AddOpenApi(o => o.AddDocumentTransformer<OpenApiSetup>());
        services.AddRazorPages(o =>
        {
            // The admin panel is for Owner/Admin, except the author's own corners (posts, media, albums), whose pages
            // show authors only what is theirs. Policies only add up, so the admin-only rule is given page by page: a
            // new admin page is admin-only by default.
            string[] authorFolders = ["/Admin/Posts", "/Admin/Media", "/Admin/Albums"];
            foreach (var folder in authorFolders)
            {
                o.Conventions.AuthorizeFolder(folder, Features.Accounts.AccountsExtensions.SiteAuthor);
            }
            o.Conventions.AddFolderApplicationModelConvention("/Admin", page =>
            {
                if (!authorFolders.Any(f => page.ViewEnginePath.StartsWith(f + "/", StringComparison.Ordinal)))
                {
                    page.EndpointMetadata.Add(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute(Features.Accounts.AccountsExtensions.SiteAdmin));
                }
            });
            o.Conventions.AddPageRoute("/Admin/Posts/Edit", "admin/posts/new");
        });
        services.AddResponseCompression(o =>
        {
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["application/problem+json", "image/svg+xml"]);
        });
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<AtelierOptions>>((o, atelier) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            foreach (var network in atelier.Value.Proxy.KnownNetworks)
            {
                if (System.Net.IPNetwork.TryParse(network, out var parsed))
                {
                    o.KnownIPNetworks.Add(parsed);
                }
            }
        });
        services.AddDataProtection().SetApplicationName("atelier");
        services.AddOptions<KeyManagementOptions>().Configure<IXmlRepository>((o, repository) => o.XmlRepository = repository);
        return builder;
    }

    public static WebApplication UsePlatform(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<PrometheusExporter>(); // listen from the first request on
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseWhen(c => IsApi(c.Request.Path), api => api.UseStatusCodePages());
        app.UseWhen(c => !IsApi(c.Request.Path), site => site.UseStatusCodePagesWithReExecute("/error", "?code={0}"));
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseResponseCompression();
        app.UseRouting();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        // After authentication: signed-in requests are never served from or stored in the cache.
        app.UseOutputCache();
        app.UseMiddleware<EntityTagsMiddleware>();
        app.UseMiddleware<RequestBodyLimitMiddleware>();

        app.MapStaticAssets();
        app.MapAtelierHealth();
        app.MapMetrics();
        app.MapOpenApi("/openapi/{documentName}.json").DisableRateLimiting();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "api/docs";
            o.DocumentTitle = "Atelier API";
            o.SwaggerEndpoint("/openapi/v1.json", "Atelier API v1");
        });
        app.MapRazorPages();
        return app;
    }

    /// <summary>
    /// Validation names fields as the C# members are named ("DisplayName"); clients send and read JSON ("displayName"),
    /// so the keys follow the JSON naming (dotnet/aspnetcore#61764).
    /// </summary>
    private static void CamelCaseErrorKeys(HttpValidationProblemDetails validation)
    {
        var renamed = validation.Errors.ToDictionary(
            e => string.Join('.', e.Key.Split('.').Select(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName)),
            e => e.Value);
        validation.Errors.Clear();
        foreach (var (key, messages) in renamed)
        {
            validation.Errors[key] = messages;
        }
    }

    private static bool IsApi(PathString path) => path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi");
}
