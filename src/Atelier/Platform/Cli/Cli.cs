using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Atelier.Features.Accounts;
using Atelier.Platform.Data;

namespace Atelier.Platform.Cli;

/// <summary>The one executable's verbs: serve (default), migrate, create-owner.</summary>
internal static class AtelierCli
{
    private const string Usage = """
        Usage: atelier [command] [options]

        Commands:
          serve                     Run the web server (default). Applies pending migrations first
                                    unless Atelier:Database:MigrateOnStartup is false.
          migrate                   Apply pending database migrations and exit.
          create-owner --email E --password P [--name N]
                                    Create the owner account (only when none exists).
          import-vault PATH [--name NAME] [--publish frontmatter|all|folders] [--folders a,b]
                                    Import an Obsidian vault folder (again: only changes apply).
          seed-demo                 Fill the site with a small sample vault (safe to run twice).
          reindex                   Rebuild the search index from the published content.
          chat-fixture --users N [--group-size 10] --out FILE
                                    For load tests (bench/chat.sh): create N users without passwords in
                                    groups, and write their ids, access tokens and groups to FILE.
          help                      Show this text.

        Any configuration key can be given as an option, e.g. --urls http://0.0.0.0:8080
        --Atelier:DataPath /var/lib/atelier --Atelier:Database:Provider Postgres.
        """;

    private static readonly string[] Verbs = ["serve", "migrate", "create-owner", "import-vault", "seed-demo", "reindex", "chat-fixture", "help"];

    public static async Task<int> RunAsync(string[] args, Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        // A verb's positional argument (import-vault PATH) is not configuration.
        var positional = rest.Length > 0 && !rest[0].StartsWith('-') ? rest[0] : null;
        if (positional is not null)
        {
            rest = rest[1..];
        }
        if (verb is "help" or "--help" || args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (!Verbs.Contains(verb))
        {
            await Console.Error.WriteLineAsync($"Unknown command '{verb}'.\n\n{Usage}");
            return 2;
        }

        WebApplication app;
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = rest, ContentRootPath = ContentRoot() });
            // Our default address, unless any of the standard ways (--urls, ASPNETCORE_URLS, *_HTTP_PORTS) says otherwise.
            if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"])
                && string.IsNullOrEmpty(builder.Configuration["https_ports"]))
            {
                builder.WebHost.UseUrls("http://localhost:8080");
            }
            configure(builder);
            app = builder.Build();
            // Resolve the options now so a bad configuration stops here with every problem listed.
            _ = app.Services.GetRequiredService<IOptions<AtelierOptions>>().Value;
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or FormatException)
        {
            return await ConfigurationErrorAsync(ex);
        }

        var options = app.Services.GetRequiredService<IOptions<AtelierOptions>>().Value;
        try
        {
            Directory.CreateDirectory(options.FullDataPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return await ConfigurationErrorAsync(new InvalidOperationException($"Atelier:DataPath '{options.FullDataPath}' cannot be created: {ex.Message}"));
        }

        switch (verb)
        {
            case "migrate":
                return await MigrateAsync(app, print: true);
            case "create-owner":
                if (await MigrateAsync(app, print: false) is var code && code != 0)
                {
                    return code;
                }
                return await CreateOwnerAsync(app);
            case "import-vault":
                if (await MigrateAsync(app, print: false) is var failedImport && failedImport != 0)
                {
                    return failedImport;
                }
                return await Features.Publishing.PublishingExtensions.ImportVaultCommandAsync(app.Services, app.Configuration, positional);
            case "seed-demo":
                if (await MigrateAsync(app, print: false) is var failedSeed && failedSeed != 0)
                {
                    return failedSeed;
                }
                return await Features.Publishing.PublishingExtensions.SeedDemoCommandAsync(app.Services, app.Configuration);
            case "chat-fixture":
                return await MigrateAsync(app, print: false) is var failedFixture && failedFixture != 0
                    ? failedFixture
                    : await Features.Messenger.ChatFixture.RunAsync(app.Services, app.Configuration);
            case "reindex":
                return await MigrateAsync(app, print: false) is var failedReindex && failedReindex != 0 ? failedReindex : await Features.Publishing.SearchApi.ReindexCommandAsync(app.Services);
            default:
                map(app);
                if (options.Database.MigrateOnStartup && await MigrateAsync(app, print: false) is var failed && failed != 0)
                {
                    return failed;
                }
                EnsureDataProtectionKey(app.Services);
                try
                {
                    await app.RunAsync();
                }
                catch (IOException ex) when (ex.Message.StartsWith("Failed to bind", StringComparison.Ordinal) || ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
                {
                    // Kestrel could not bind: the address is taken or not ours.
                    await Console.Error.WriteLineAsync($"Atelier cannot start: {ex.Message}");
                    return 4;
                }
                return 0;
        }
    }

    /// <summary>
    /// The working directory, as usual, when it holds the site's files (<c>dotnet run</c>, a service with
    /// WorkingDirectory set); otherwise the published application's own folder, so <c>dotnet /opt/atelier/atelier.dll</c>
    /// serves its stylesheets from anywhere.
    /// </summary>
    private static string? ContentRoot()
    {
        var cwd = Directory.GetCurrentDirectory();
        return Directory.Exists(Path.Combine(cwd, "wwwroot")) || !Directory.Exists(Path.Combine(AppContext.BaseDirectory, "wwwroot"))
            ? null
            : AppContext.BaseDirectory;
    }

    /// <summary>
    /// Makes sure the shared key ring (cookies, antiforgery) has a key before the first request, instead of letting the
    /// first requests of each instance race to create one.
    /// </summary>
    private static void EnsureDataProtectionKey(IServiceProvider services)
    {
        var keys = services.GetRequiredService<Microsoft.AspNetCore.DataProtection.KeyManagement.IKeyManager>();
        var now = DateTimeOffset.UtcNow;
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now.AddDays(2)))
        {
            keys.CreateNewKey(now, now.AddDays(90));
        }
    }

    private static async Task<int> ConfigurationErrorAsync(Exception ex)
    {
        var messages = ex is OptionsValidationException v ? v.Failures : [ex.InnerException?.Message is { } inner ? $"{ex.Message} {inner}" : ex.Message];
        await Console.Error.WriteLineAsync("Atelier cannot start: the configuration is not valid.");
        foreach (var message in messages)
        {
            await Console.Error.WriteLineAsync("  - " + message);
        }
        return 2;
    }

    private static async Task<int> MigrateAsync(WebApplication app, bool print)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Atelier.Migrations");
        try
        {
            var applied = await DataExtensions.MigrateAsync(app.Services, CancellationToken.None);
            foreach (var migration in applied)
            {
                logger.LogInformation("Applied migration {Migration}", migration);
            }
            if (print)
            {
                Console.WriteLine(applied.Count == 0 ? "The database is up to date." : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
            }
            return 0;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            logger.LogCritical(ex, "The database could not be migrated");
            await Console.Error.WriteLineAsync($"Atelier cannot start: the database could not be reached or migrated: {ex.Message}");
            return 3;
        }
    }

    private static async Task<int> CreateOwnerAsync(WebApplication app)
    {
        var config = app.Configuration;
        var email = config["email"];
        var password = config["password"];
        var name = config["name"] ?? "Owner";
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            await Console.Error.WriteLineAsync("create-owner needs --email and --password.");
            return 2;
        }
        if (!new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email) || password.Length < 8)
        {
            await Console.Error.WriteLineAsync("create-owner needs a valid email address and a password of at least 8 characters.");
            return 2;
        }
        await using var scope = app.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        var error = await accounts.CreateOwnerAsync(email, password, name, CancellationToken.None);
        if (error is not null)
        {
            await Console.Error.WriteLineAsync(error);
            return 1;
        }
        Console.WriteLine($"Owner {email} created. Sign in at /account/login.");
        return 0;
    }
}
