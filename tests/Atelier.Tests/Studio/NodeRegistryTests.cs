using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Atelier.Features.Studio;

namespace Atelier.Tests.Studio;

/// <summary>Node packs: the manifest rules, and a broken plugin skipped with a logged error while the rest load.</summary>
public sealed class NodeRegistryTests : IDisposable
{
    private readonly TestPlugins _plugins = new();

    public void Dispose() => _plugins.Dispose();

    [Fact]
    public void TheBuiltInPack_AndTheGoodPlugin_Load_WhileBrokenPacksAreSkippedWithTheirFaultsLogged()
    {
        var log = new ListLogger();
        var registry = StudioApps.Registry(_plugins.Path, log);
        registry.Packs.Select(p => p.Id).ShouldBe(["core", "example"]);
        registry.Pack("core")!.Nodes.Count.ShouldBe(31);
        registry.Find("example.bitcrusher")!.Params["bits"].Max.ShouldBe(16);
        registry.Pack("example")!.ModuleUrl.ShouldBe("/studio/plugins/example/nodes.js");

        log.Errors.Count.ShouldBe(2);
        log.Errors.ShouldContain(e => e.Contains("server-side", StringComparison.Ordinal) && e.Contains("plugins run in the browser only", StringComparison.Ordinal));
        log.Errors.ShouldContain(e => e.Contains("garbage", StringComparison.Ordinal) && e.Contains("not valid JSON", StringComparison.Ordinal));
    }

    private static List<string> Faults(string manifest, string? module = "m.js")
    {
        var folder = Directory.CreateTempSubdirectory("atelier-pack-").FullName;
        try
        {
            if (module is not null)
            {
                File.WriteAllText(Path.Combine(folder, module), "export default {};");
            }
            var (pack, errors) = PackReader.Read(Encoding.UTF8.GetBytes(manifest), folder);
            (pack is null).ShouldBe(errors.Count > 0);
            return errors;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Pack(string node, string id = "demo", string module = "m.js") =>
        $$"""{ "id": "{{id}}", "name": "Demo", "version": "1.0.0", "module": "{{module}}", "nodes": [ {{node}} ] }""";

    private const string Good = """
        { "type": "demo.thing", "name": "Thing", "category": "io", "runtime": "browser",
          "inputs": [{ "id": "in", "type": "any", "name": "In" }], "outputs": [{ "id": "out", "type": "control", "name": "Out" }],
          "params": [ { "id": "amount", "name": "Amount", "kind": "number", "min": 0, "max": 10, "default": 5, "unit": "", "scale": "linear" },
                      { "id": "mode", "name": "Mode", "kind": "choice", "options": ["a", "b"], "default": "a" } ] }
        """;

    [Fact]
    public void AGoodManifest_HasNoFaults() => Faults(Pack(Good)).ShouldBeEmpty();

    [Fact]
    public void ManifestFaults_AreEachNamedByPath()
    {
        Faults(Pack(Good, id: "Demo Pack")).ShouldContain(f => f.StartsWith("id: 'Demo Pack'", StringComparison.Ordinal));
        Faults(Pack(Good.Replace("demo.thing", "other.thing", StringComparison.Ordinal))).ShouldContain("nodes[0].type: 'other.thing' must be 'demo.name' (name: a-z, 0-9, '-').");
        Faults(Pack(Good + "," + Good)).ShouldContain("nodes[1].type: 'demo.thing' is declared twice.");
        Faults(Pack(Good.Replace("\"any\"", "\"colour\"", StringComparison.Ordinal))).ShouldContain(f => f.StartsWith("nodes[0].inputs[0].type: 'colour' is not one of", StringComparison.Ordinal));
        Faults(Pack(Good.Replace("\"control\"", "\"any\"", StringComparison.Ordinal))).ShouldContain(f => f.StartsWith("nodes[0].outputs[0].type: 'any'", StringComparison.Ordinal));
        Faults(Pack(Good.Replace("\"default\": 5", "\"default\": 11", StringComparison.Ordinal))).ShouldContain("nodes[0].params[0].default: 11 is outside 0…10.");
        Faults(Pack(Good.Replace("\"min\": 0, \"max\": 10", "\"min\": 10, \"max\": 0", StringComparison.Ordinal))).ShouldContain("nodes[0].params[0]: min 10 is above max 0.");
        Faults(Pack(Good.Replace("\"scale\": \"linear\"", "\"scale\": \"log\"", StringComparison.Ordinal))).ShouldContain("nodes[0].params[0].scale: a log scale needs min above 0 (min is 0).");
        Faults(Pack(Good.Replace("\"default\": \"a\"", "\"default\": \"c\"", StringComparison.Ordinal))).ShouldContain("nodes[0].params[1].default: must be one of the options.");
        Faults(Pack(Good.Replace("\"browser\"", "\"server\"", StringComparison.Ordinal))).ShouldContain(f => f.Contains("plugins run in the browser only", StringComparison.Ordinal));
        Faults(Pack(Good), module: null).ShouldContain(f => f.StartsWith("module: 'm.js' does not exist", StringComparison.Ordinal));
        Faults(Pack(Good, module: "../outside.js")).ShouldContain(f => f.StartsWith("module: '../outside.js' must be a path inside the pack folder", StringComparison.Ordinal));
        Faults(Pack(Good, module: "page.html")).ShouldContain("module: 'page.html' must be a .js or .mjs file.");
    }

    private sealed class ListLogger : ILogger<NodeRegistry>
    {
        public List<string> Errors { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                Errors.Add(formatter(state, exception));
            }
        }
    }
}

/// <summary>The nodes endpoint, the schema, and plugin files over HTTP.</summary>
public abstract class StudioEndpointsTests(AtelierFactory app)
{
    [Fact]
    public async Task Nodes_ListsTheCoreAndExamplePacks_Anonymously_WithAnETag()
    {
        var client = app.CreateClient();
        var response = await client.GetAsync("/api/v1/studio/nodes");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var packs = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("packs");
        packs.EnumerateArray().Select(p => p.GetProperty("id").GetString()).ShouldBe(["core", "example"]);
        packs[0].GetProperty("moduleUrl").ValueKind.ShouldBe(JsonValueKind.Null);
        packs[0].GetProperty("nodes").GetArrayLength().ShouldBe(31);
        packs[1].GetProperty("moduleUrl").GetString().ShouldBe("/studio/plugins/example/nodes.js");
        var crusher = packs[1].GetProperty("nodes")[0];
        crusher.GetProperty("type").GetString().ShouldBe("example.bitcrusher");
        crusher.GetProperty("pack").GetString().ShouldBe("example");
        crusher.GetProperty("params")[0].GetProperty("max").GetInt32().ShouldBe(16);

        var etag = response.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/studio/nodes");
        again.Headers.IfNoneMatch.Add(etag);
        (await client.SendAsync(again)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task PluginFiles_AreServedWithTheirType_AndNothingOutsideThePackOrOfOtherKinds()
    {
        var client = app.CreateClient();
        var module = await client.GetAsync("/studio/plugins/example/nodes.js");
        module.StatusCode.ShouldBe(HttpStatusCode.OK);
        module.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
        module.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        module.Headers.CacheControl!.MaxAge.ShouldNotBeNull();
        (await module.Content.ReadAsStringAsync()).ShouldBe(TestPlugins.ModuleText);
        (await client.GetAsync("/studio/plugins/example/pack.json")).Content.Headers.ContentType!.MediaType.ShouldBe("application/json");

        (await client.GetAsync("/studio/plugins/example/readme.html")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        // However the climb out is spelled, the file next to the pack folders is never served.
        foreach (var path in (string[])["/studio/plugins/example/../secret.js", "/studio/plugins/example/..%2Fsecret.js", "/studio/plugins/example/%2e%2e/secret.js",
            "/studio/plugins/example/..%5Csecret.js", "/studio/plugins/example/%2Fetc%2Fpasswd.js"])
        {
            var response = await client.GetAsync(path);
            response.IsSuccessStatusCode.ShouldBeFalse(path);
            (await response.Content.ReadAsStringAsync()).ShouldNotContain("secret", Case.Sensitive, path);
        }
        (await client.GetAsync("/studio/plugins/server-side/m.js")).StatusCode.ShouldBe(HttpStatusCode.NotFound); // skipped pack
        (await client.GetAsync("/studio/plugins/example/missing.js")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ThePatchSchema_IsServed_AndRequiresWhatTheValidatorRequires()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/studio/patch-schema");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var schema = await response.Content.ReadFromJsonAsync<JsonElement>();
        schema.GetProperty("$schema").GetString().ShouldBe("https://json-schema.org/draft/2020-12/schema");
        schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ShouldBe(["format", "version", "nodes", "edges"]);
        schema.GetProperty("properties").GetProperty("format").GetProperty("const").GetString().ShouldBe(PatchValidator.Format);
        schema.GetProperty("$defs").GetProperty("nodes").GetProperty("maxItems").GetInt32().ShouldBe(PatchLimits.MaxNodes);
    }
}

public sealed class StudioEndpointsTests_Sqlite(StudioSqliteApp app) : StudioEndpointsTests(app), IClassFixture<StudioSqliteApp>;
