using Atelier.Platform.Cluster;

namespace Atelier.Features.Messenger;

public static class MessengerExtensions
{
    public static IHostApplicationBuilder AddMessenger(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSignalR(o =>
        {
            // An 8,000-character message of four-byte characters, with its JSON around it.
            o.MaximumReceiveMessageSize = 64 * 1024;
            o.EnableDetailedErrors = false;
        });
        services.AddSingleton<ChatEvents>();
        services.AddSingleton<IClusterHandler, ChatEventsHandler>();
        services.AddSingleton<ChatSendLimiter>();
        services.AddSingleton<ChatPresenceTracker>();
        services.AddHostedService(sp => sp.GetRequiredService<ChatPresenceTracker>());
        services.AddScoped<ChatService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapMessenger(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        ChatApi.Map(api);
        app.MapHub<ChatHub>(ChatHub.Path);
        return app;
    }
}
