namespace Atelier.Features.Studio.Runs;

/// <summary>Server runs of studio patches: the engine (Atelier.Graph) behind <c>POST /patches/{id}/run</c> and /hubs/studio.</summary>
public static class RunsExtensions
{
    public static IHostApplicationBuilder AddStudioRuns(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSignalR();
        services.AddOptions<StudioRunOptions>().BindConfiguration(StudioRunOptions.Section);
        services.AddSingleton<StudioRuns>();
        services.AddHostedService(sp => sp.GetRequiredService<StudioRuns>());
        return builder;
    }

    public static IEndpointRouteBuilder MapStudioRuns(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        RunsApi.Map(api);
        app.MapHub<StudioHub>(StudioHub.Path);
        return app;
    }
}
