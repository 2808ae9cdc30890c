using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Atelier.Features.Studio;
using Atelier.Tests.Messenger;

namespace Atelier.Tests.Studio;

/// <summary>
/// A plugins folder of its own: the repository's example pack (with a stand-in module when the runtime's nodes.js is
/// not there), a second good pack, and broken ones that must be skipped while the rest load.
/// </summary>
public sealed class TestPlugins : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "atelier-plugins-" + Guid.NewGuid().ToString("N")[..10]);

    public const string ModuleText = "export default { nodes: {} };\n";

    public TestPlugins()
    {
        var example = Directory.CreateDirectory(System.IO.Path.Combine(Path, "example")).FullName;
        var repo = System.IO.Path.Combine(StudioApps.RepoRoot, "plugins", "example");
        File.Copy(System.IO.Path.Combine(repo, "pack.json"), System.IO.Path.Combine(example, "pack.json"));
        File.WriteAllText(System.IO.Path.Combine(example, "nodes.js"), ModuleText);
        File.WriteAllText(System.IO.Path.Combine(example, "readme.html"), "<script>alert(1)</script>");
        File.WriteAllText(System.IO.Path.Combine(Path, "secret.js"), "secret");

        // A pack that claims a server node: refused (plugins run in the browser only).
        Write("server-side", """
            { "id": "server-side", "name": "Bad", "version": "1", "module": "m.js",
              "nodes": [ { "type": "server-side.run", "name": "Run", "category": "io", "runtime": "server", "inputs": [], "outputs": [], "params": [] } ] }
            """, "m.js");
        // Not JSON at all.
        Write("garbage", "{ this is not json", null);
    }

    private void Write(string folder, string manifest, string? module)
    {
        var dir = Directory.CreateDirectory(System.IO.Path.Combine(Path, folder)).FullName;
        File.WriteAllText(System.IO.Path.Combine(dir, "pack.json"), manifest);
        if (module is not null)
        {
            File.WriteAllText(System.IO.Path.Combine(dir, module), ModuleText);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class StudioSqliteApp() : AtelierFactory(Db.Sqlite)
{
    private readonly TestPlugins _plugins = new();

    protected override IDictionary<string, string?> Settings() => StudioApps.With(base.Settings(), _plugins);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _plugins.Dispose();
    }
}

public sealed class StudioPostgresApp() : AtelierFactory(Db.Postgres)
{
    private readonly TestPlugins _plugins = new();

    protected override IDictionary<string, string?> Settings() => StudioApps.With(base.Settings(), _plugins);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _plugins.Dispose();
    }
}

public static class StudioApps
{
    public static IDictionary<string, string?> With(IDictionary<string, string?> settings, TestPlugins plugins)
    {
        settings["Atelier:Studio:PluginsPath"] = plugins.Path;
        return settings;
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Atelier.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (Atelier.slnx) is not above the test binaries.");
    }

    /// <summary>The example patch of docs/patch-format.md (the first ```json block).</summary>
    public static string DocExample()
    {
        var text = File.ReadAllText(System.IO.Path.Combine(RepoRoot, "docs", "patch-format.md"));
        var start = text.IndexOf("```json\n", StringComparison.Ordinal) + 8;
        return text[start..text.IndexOf("```", start, StringComparison.Ordinal)];
    }

    /// <summary>osc → filter → gain → out, with a control on the filter's cutoff.</summary>
    public static JsonObject Simple() => (JsonObject)JsonNode.Parse(DocExample())!;

    /// <summary>A valid patch of <paramref name="count"/> nodes: oscillator → gain chains into one output.</summary>
    public static JsonObject Large(int count)
    {
        var nodes = new JsonArray { new JsonObject { ["id"] = "out", ["type"] = "core.output", ["x"] = 0, ["y"] = 0 } };
        var edges = new JsonArray();
        for (var i = 1; i < count; i++)
        {
            var osc = i % 2 == 1;
            nodes.Add(new JsonObject
            {
                ["id"] = $"n{i}", ["type"] = osc ? "core.oscillator" : "core.gain", ["x"] = i * 10, ["y"] = i % 40 * 20,
                ["params"] = osc ? new JsonObject { ["frequency"] = 100 + i, ["waveform"] = "sawtooth" } : new JsonObject { ["gain"] = 0.5 },
            });
            if (!osc)
            {
                edges.Add(new JsonObject { ["id"] = $"e{i}a", ["from"] = Ref($"n{i - 1}", "out"), ["to"] = Ref($"n{i}", "in") });
                edges.Add(new JsonObject { ["id"] = $"e{i}b", ["from"] = Ref($"n{i}", "out"), ["to"] = Ref("out", "in") });
            }
        }
        return new JsonObject { ["format"] = "atelier.patch", ["version"] = 1, ["nodes"] = nodes, ["edges"] = edges };
    }

    public static JsonObject Ref(string node, string port) => new() { ["node"] = node, ["port"] = port };

    /// <summary>A registry over the built-in pack and a test plugins folder, as the server builds it.</summary>
    internal static NodeRegistry Registry(string? pluginsPath, ILogger<NodeRegistry>? logger = null) =>
        new(Options.Create(new StudioOptions { PluginsPath = pluginsPath }), new TestEnvironment(), logger ?? NullLogger<NodeRegistry>.Instance);

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "atelier";
        public string ContentRootPath { get; set; } = System.IO.Path.GetTempPath();
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }

    public static async Task<JsonElement> CreatePatchAsync(this ChatUser user, string name, JsonNode? document = null, string visibility = "private")
    {
        var response = await user.Api.PostAsJsonAsync("/api/v1/patches", new { name, visibility, document });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<HttpResponseMessage> SaveAsync(this ChatUser user, Guid id, JsonNode document, string name = "Saved", string? visibility = null, int? baseVersion = null, bool? checkpoint = null) =>
        await user.Api.PutAsJsonAsync($"/api/v1/patches/{id}", new { name, description = "", visibility, document, baseVersion, checkpoint });

    /// <summary>Every message of a validation problem, flattened, and the paths it names.</summary>
    public static async Task<(List<string> Paths, List<string> Messages)> FaultsAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        return ([.. errors.EnumerateObject().Select(p => p.Name)], [.. errors.EnumerateObject().SelectMany(p => p.Value.EnumerateArray().Select(m => m.GetString()!))]);
    }

    public static HttpClient Anonymous(this AtelierFactory app)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }
}
