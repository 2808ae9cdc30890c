using Atelier.Features.Accounts;
using Atelier.Features.Admin;
using Atelier.Features.Media;
using Atelier.Features.Messenger;
using Atelier.Features.Publishing;
using Atelier.Features.Studio;
using Atelier.Features.Studio.Runs;
using Atelier.Platform;
using Atelier.Platform.Cli;

return await AtelierCli.RunAsync(args,
    builder =>
    {
        builder.AddPlatform();
        builder.AddAccounts();
        builder.AddAdmin();
        builder.AddPublishing();
        builder.AddMedia();
        builder.AddMessenger();
        builder.AddStudioRuns();
        builder.AddStudio();
    },
    app =>
    {
        app.UsePlatform();
        var api = app.MapGroup("/api/v1")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        app.MapAccounts(api);
        app.MapAdmin(api);
        app.MapPublishing(api);
        app.MapMedia(api);
        app.MapMessenger(api);
        app.MapStrudelSandbox();
        app.MapStudioRuns(api);
        app.MapStudio(api);
    });

/// <summary>The entry point, named for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
