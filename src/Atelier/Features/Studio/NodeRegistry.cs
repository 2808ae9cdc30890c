using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Atelier.Platform.Http;

namespace Atelier.Features.Studio;

/// <summary>
/// Every node type the studio knows: the built-in pack (embedded in the server) and each <c>plugins/*/pack.json</c>.
/// Loaded once at start-up; a broken plugin pack is skipped with an error naming every fault, so one bad folder
/// does not take the studio down. Restart the server to pick up a new or changed pack.
/// </summary>
internal sealed class NodeRegistry
{
    private const string CoreResource = "Atelier.Studio.core.pack.json";

    private readonly Dictionary<string, NodeType> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodePack> _packs = new(StringComparer.Ordinal);

    public NodeRegistry(IOptions<StudioOptions> options, IHostEnvironment env, ILogger<NodeRegistry> logger)
    {
        using (var stream = typeof(NodeRegistry).Assembly.GetManifestResourceStream(CoreResource)
            ?? throw new InvalidOperationException($"The built-in node pack ({CoreResource}) is missing from the build."))
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var (core, errors) = PackReader.Read(buffer.ToArray(), folder: null);
            // The built-in pack ships with the server: a fault in it is a bug, not a configuration problem.
            if (core is null)
            {
                throw new InvalidOperationException("The built-in node pack is invalid: " + string.Join(" ", errors));
            }
            Add(core);
        }

        PluginsPath = StudioOptions.ResolvePluginsPath(options.Value, env.ContentRootPath);
        if (PluginsPath is null || !Directory.Exists(PluginsPath))
        {
            logger.LogInformation("No plugins folder ({Path}); only the built-in nodes are available.", PluginsPath ?? "not found");
        }
        else
        {
            foreach (var folder in Directory.GetDirectories(PluginsPath).Order(StringComparer.Ordinal))
            {
                LoadPlugin(folder, logger);
            }
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["packs"] = new JsonArray([.. _packs.Values.Select(Describe)]),
        });
        NodesJson = body;
        NodesETag = EntityTags.For(body);
    }

    /// <summary>The plugins folder in use (absolute), or null when none was found.</summary>
    public string? PluginsPath { get; }

    public IReadOnlyCollection<NodePack> Packs => _packs.Values;

    /// <summary>The body of GET /api/v1/studio/nodes, built once: the registry does not change while the server runs.</summary>
    public byte[] NodesJson { get; }

    public EntityTagHeaderValue NodesETag { get; }

    public NodeType? Find(string type) => _types.GetValueOrDefault(type);

    public NodePack? Pack(string id) => _packs.GetValueOrDefault(id);

    private void LoadPlugin(string folder, ILogger logger)
    {
        var manifest = Path.Combine(folder, "pack.json");
        if (!File.Exists(manifest))
        {
            logger.LogWarning("Skipped plugin folder {Folder}: it has no pack.json.", folder);
            return;
        }
        NodePack? pack;
        List<string> errors;
        try
        {
            var bytes = File.ReadAllBytes(manifest);
            (pack, errors) = bytes.Length > 1024 * 1024 ? (null, ["pack.json is over 1 MB."]) : PackReader.Read(bytes, folder);
        }
        catch (IOException e)
        {
            (pack, errors) = (null, [$"pack.json cannot be read: {e.Message}"]);
        }
        if (pack is not null && _packs.ContainsKey(pack.Id))
        {
            errors.Add($"id: a pack named '{pack.Id}' is already loaded.");
        }
        if (pack is not null)
        {
            errors.AddRange(pack.Nodes.Where(n => _types.ContainsKey(n.Type)).Select(n => $"type '{n.Type}' is already declared by pack '{_types[n.Type].Pack}'."));
        }
        if (pack is null || errors.Count > 0)
        {
            logger.LogError("Skipped node pack {Manifest}: {Errors}", manifest, string.Join(" ", errors));
            return;
        }
        Add(pack);
        logger.LogInformation("Loaded node pack {Pack} {Version} ({Count} node types) from {Folder}.", pack.Id, pack.Version, pack.Nodes.Count, folder);
    }

    private void Add(NodePack pack)
    {
        _packs.Add(pack.Id, pack);
        foreach (var node in pack.Nodes)
        {
            _types.Add(node.Type, node);
        }
    }

    private static JsonObject Describe(NodePack pack) => new()
    {
        ["id"] = pack.Id,
        ["name"] = pack.Name,
        ["version"] = pack.Version,
        ["description"] = pack.Description,
        ["moduleUrl"] = pack.ModuleUrl,
        ["nodes"] = new JsonArray([.. pack.Nodes.Select(n => n.Json.DeepClone())]),
    };
}

/// <summary>Which files of a plugin folder are served, and as what.</summary>
internal static partial class PluginFiles
{
    /// <summary>What a pack may ship to the browser: code, data, styles and WebAssembly; nothing a browser would render as a page.</summary>
    public static readonly IReadOnlyDictionary<string, string> Types = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".js"] = "text/javascript; charset=utf-8",
        [".mjs"] = "text/javascript; charset=utf-8",
        [".json"] = "application/json; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".wasm"] = "application/wasm",
    };

    [GeneratedRegex(@"^(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}/){0,4}[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")]
    private static partial Regex SafePath();

    /// <summary>
    /// The absolute path of <paramref name="relative"/> inside <paramref name="folder"/>; false for anything that could
    /// leave it (.., absolute paths, backslashes, hidden files) — checked on the text and again on the resolved path.
    /// </summary>
    public static bool TryResolve(string folder, string relative, out string path)
    {
        path = "";
        if (!SafePath().IsMatch(relative) || relative.Split('/').Any(s => s.StartsWith('.') || s.Contains("..", StringComparison.Ordinal)))
        {
            return false;
        }
        var root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            return false;
        }
        path = full;
        return true;
    }
}
