using System.Diagnostics;

namespace Atelier.Tests.Platform;

/// <summary>The real executable's command line, run as a process the way an operator runs it.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "atelier-cli-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    /// <summary>Runs the real executable with the given arguments; shared by every command-line test.</summary>
    internal static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "atelier.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    public static TheoryData<string> Providers => new() { "Sqlite", "Postgres" };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Migrate_ThenCreateOwner_ThenSecondOwnerIsRefused(string provider)
    {
        var config = new List<string> { "--Atelier:DataPath", _data, "--Atelier:Database:Provider", provider };
        if (provider == "Postgres")
        {
            config.AddRange(["--ConnectionStrings:Atelier", await (await PostgresServer.GetAsync()).CreateDatabaseAsync()]);
        }

        var migrate = await RunAsync(["migrate", .. config]);
        migrate.Code.ShouldBe(0, migrate.Err);
        migrate.Out.ShouldStartWith("Applied ");
        migrate.Out.ShouldContain("migration(s): 20261121000000_Initial");
        migrate.Out.ShouldNotContain("\"LogLevel\":\"Error\"");
        (await RunAsync(["migrate", .. config])).Out.ShouldContain("The database is up to date.");

        var owner = await RunAsync(["create-owner", "--email", "cli@example.org", "--password", "cli password 1", "--name", "Cli", .. config]);
        owner.Code.ShouldBe(0, owner.Err);
        owner.Out.ShouldContain("Owner cli@example.org created");

        var second = await RunAsync(["create-owner", "--email", "other@example.org", "--password", "cli password 2", .. config]);
        second.Code.ShouldBe(1);
        second.Err.ShouldContain("An owner already exists.");
    }

    [Fact]
    public async Task CreateOwner_WithoutPassword_ExplainsWhatIsMissing()
    {
        var result = await RunAsync("create-owner", "--email", "x@example.org", "--Atelier:DataPath", _data);
        result.Code.ShouldBe(2);
        result.Err.ShouldContain("--password");
    }

    [Theory]
    [InlineData("--Atelier:Database:Provider", "Postgres", "ConnectionStrings:Atelier is required")]
    [InlineData("--Atelier:PublicUrl", "not a url", "Atelier:PublicUrl must be an absolute http(s) URL")]
    [InlineData("--Atelier:Database:Provider", "Oracle", "Atelier:Database:Provider")]
    [InlineData("--Atelier:Auth:SigningKey", "c2hvcnQ=", "Atelier:Auth:SigningKey must be base64 of at least 32 bytes")]
    public async Task BadConfiguration_StopsWithAClearMessage(string key, string value, string message)
    {
        var result = await RunAsync("migrate", "--Atelier:DataPath", _data, key, value);
        result.Code.ShouldBe(2);
        result.Err.ShouldContain("Atelier cannot start: the configuration is not valid.");
        result.Err.ShouldContain(message);
    }

    [Fact]
    public async Task Serve_ListensWhereToldMigratesServesAndStopsGracefullyOnSigterm()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "atelier.dll"), "--urls", $"http://127.0.0.1:{port}", "--Atelier:DataPath", _data })
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            HttpResponseMessage? ready = null;
            for (var i = 0; i < 150 && ready?.StatusCode != HttpStatusCode.OK; i++)
            {
                await Task.Delay(200);
                try
                {
                    ready = await http.GetAsync("/health/ready");
                }
                catch (HttpRequestException)
                {
                }
            }
            ready.ShouldNotBeNull("the server never answered");
            ready.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await http.GetStringAsync("/setup")).ShouldContain("Create owner");
            File.Exists(Path.Combine(_data, "atelier.db")).ShouldBeTrue();
        }
        finally
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await process.WaitForExitAsync(timeout.Token);
        process.ExitCode.ShouldBe(0, await stderr);
        (await stdout).ShouldContain("Application is shutting down");
    }

    [Fact]
    public async Task Serve_OnATakenPort_SaysSoAndExits()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var result = await RunAsync("--urls", $"http://127.0.0.1:{port}", "--Atelier:DataPath", _data);
        result.Code.ShouldBe(4);
        result.Err.ShouldContain("Atelier cannot start: Failed to bind to address");
        result.Err.ShouldNotContain("Unhandled exception");
    }

    [Fact]
    public async Task ImportVault_And_SeedDemo_PrintWhatTheyDid_AndRepeatingChangesNothing()
    {
        var vault = Publishing.TestVault.Source();
        var first = await RunAsync("import-vault", Path.GetFullPath(vault), "--name", "cli-test", "--Atelier:DataPath", _data);
        first.Code.ShouldBe(0, first.Err);
        first.Out.ShouldContain("notes 10: created 7, updated 0, unchanged 0, unpublished 0, renamed 0");
        first.Out.ShouldContain("unresolved [[Nonexistent]] in Welcome.md");
        first.Out.ShouldContain("error Broken.md");
        (await RunAsync("import-vault", Path.GetFullPath(vault), "--name", "cli-test", "--Atelier:DataPath", _data)).Out
            .ShouldContain("created 0, updated 0, unchanged 7");
        (await RunAsync("import-vault", "/no/such/folder", "--Atelier:DataPath", _data)).Code.ShouldBe(2);

        var demo = await RunAsync("seed-demo", "--Atelier:DataPath", _data);
        demo.Code.ShouldBe(0, demo.Err);
        demo.Out.ShouldContain("Imported vault 'demo'");
        demo.Out.ShouldContain("created 5");
        demo.Out.ShouldContain("unresolved 0");
    }

    [Fact]
    public async Task UnknownCommand_PrintsUsage()
    {
        var result = await RunAsync("frobnicate");
        result.Code.ShouldBe(2);
        result.Err.ShouldContain("Usage: atelier");
        (await RunAsync("help")).Out.ShouldContain("create-owner --email");
    }
}
