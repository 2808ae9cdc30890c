using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Atelier.Features.Studio;

/// <summary>The port types of docs/patch-format.md; <c>any</c> exists only on inputs.</summary>
internal static class PortTypes
{
    public static readonly HashSet<string> Inputs = new(StringComparer.Ordinal) { "audio", "control", "trigger", "pattern", "midi", "any" };
    public static readonly HashSet<string> Outputs = new(StringComparer.Ordinal) { "audio", "control", "trigger", "pattern", "midi" };

    /// <summary>
    /// The patch format's one connection rule, as the server engine applies it (<see cref="Graph.ServerNodes.CanConnect"/>):
    /// equal types, audio modulating control, any non-audio output into an <c>any</c> input. Both names are known
    /// types (manifests are checked at start).
    /// </summary>
    public static bool Compatible(string output, string input) =>
        Graph.ServerNodes.CanConnect(Enum.Parse<Graph.PortType>(output, ignoreCase: true), Enum.Parse<Graph.PortType>(input, ignoreCase: true));
}

/// <summary>An input or output of a node type.</summary>
internal sealed record PortSpec(string Id, string Type, string Name);

/// <summary>One parameter of a node type as its manifest declares it (web/src/studio/types.ts ParamSpec).</summary>
internal sealed class ParamSpec
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public double Min { get; init; }
    public double Max { get; init; }
    public string Unit { get; init; } = "";
    public IReadOnlyList<string> Options { get; init; } = [];
    public int MaxLength { get; init; }

    /// <summary>The spec exactly as the manifest wrote it, for the nodes endpoint and the embed page.</summary>
    public required JsonObject Json { get; init; }
}

/// <summary>A node type: what the validator checks a patch's nodes against.</summary>
internal sealed class NodeType
{
    public required string Type { get; init; }
    public required string Pack { get; init; }
    public required string Runtime { get; init; }
    public required IReadOnlyDictionary<string, PortSpec> Inputs { get; init; }
    public required IReadOnlyDictionary<string, PortSpec> Outputs { get; init; }
    public required IReadOnlyDictionary<string, ParamSpec> Params { get; init; }

    /// <summary>Port id → type, for checking edges (built once: a 2,000-node patch looks them up thousands of times).</summary>
    public IReadOnlyDictionary<string, string> InputTypes => _inputTypes ??= Inputs.ToDictionary(p => p.Key, p => p.Value.Type, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> OutputTypes => _outputTypes ??= Outputs.ToDictionary(p => p.Key, p => p.Value.Type, StringComparer.Ordinal);

    private Dictionary<string, string>? _inputTypes;
    private Dictionary<string, string>? _outputTypes;

    /// <summary>The manifest entry with <c>pack</c> added, as GET /api/v1/studio/nodes lists it.</summary>
    public required JsonObject Json { get; init; }
}

/// <summary>A loaded node pack: the built-in one or a plugin folder.</summary>
internal sealed class NodePack
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Version { get; init; }
    public required string Description { get; init; }

    /// <summary>The module file relative to the pack folder; null for the core pack (its code is in the studio bundle).</summary>
    public string? Module { get; init; }

    /// <summary>The folder files are served from; null for the core pack.</summary>
    public string? Folder { get; init; }
    public required IReadOnlyList<NodeType> Nodes { get; init; }

    public string? ModuleUrl => Module is null ? null : $"/studio/plugins/{Id}/{Module}";
}

/// <summary>
/// Reads and checks a pack manifest (docs/plugins.md). Every fault is collected with the JSON path it is at, so a
/// plugin author sees all of them in one log line instead of fixing them one start at a time.
/// </summary>
internal static partial class PackReader
{
    private static readonly HashSet<string> Runtimes = new(StringComparer.Ordinal) { "browser", "server", "both" };
    private static readonly HashSet<string> ParamKinds = new(StringComparer.Ordinal) { "number", "choice", "toggle", "text", "media" };

    [GeneratedRegex("^[a-z0-9-]{1,40}$")]
    internal static partial Regex PackId();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    internal static partial Regex ItemId();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex TypeName();

    /// <summary>
    /// Parses a manifest. <paramref name="folder"/> is null for the built-in pack, which alone may declare server nodes
    /// (their code is C# in Atelier.Graph) and has no module file.
    /// </summary>
    public static (NodePack? Pack, List<string> Errors) Read(ReadOnlySpan<byte> json, string? folder)
    {
        var errors = new List<string>();
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            errors.Add($"pack.json is not valid JSON: {e.Message}");
            return (null, errors);
        }
        if (root is not JsonObject pack)
        {
            errors.Add("pack.json must be a JSON object.");
            return (null, errors);
        }

        var id = Text(pack, "id", "", errors);
        if (id is not null && !PackId().IsMatch(id))
        {
            errors.Add($"id: '{id}' must be 1–40 of a-z, 0-9 and '-'.");
        }
        var name = Text(pack, "name", "", errors) ?? "";
        var version = Text(pack, "version", "", errors) ?? "";
        var description = Text(pack, "description", "", errors, optional: true) ?? "";
        string? module = null;
        if (folder is null)
        {
            if (pack["module"] is not null)
            {
                errors.Add("module: the built-in pack has no module file (its code is in the studio bundle).");
            }
        }
        else
        {
            module = Text(pack, "module", "", errors);
            if (module is not null)
            {
                CheckModule(module, folder, errors);
            }
        }

        var nodes = new List<NodeType>();
        if (pack["nodes"] is not JsonArray list || list.Count == 0)
        {
            errors.Add("nodes: a pack declares at least one node type (an array).");
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < list.Count; i++)
            {
                if (ReadNode(list[i], $"nodes[{i}]", id ?? "?", folder is not null, errors) is { } node)
                {
                    if (!seen.Add(node.Type))
                    {
                        errors.Add($"nodes[{i}].type: '{node.Type}' is declared twice.");
                    }
                    nodes.Add(node);
                }
            }
        }

        return errors.Count > 0 || id is null
            ? (null, errors)
            : (new NodePack { Id = id, Name = name, Version = version, Description = description, Module = module, Folder = folder, Nodes = nodes }, errors);
    }

    private static void CheckModule(string module, string folder, List<string> errors)
    {
        var extension = Path.GetExtension(module);
        if (extension is not (".js" or ".mjs"))
        {
            errors.Add($"module: '{module}' must be a .js or .mjs file.");
            return;
        }
        if (!PluginFiles.TryResolve(folder, module, out var path))
        {
            errors.Add($"module: '{module}' must be a path inside the pack folder (letters, digits, '.', '_', '-', '/').");
            return;
        }
        if (!File.Exists(path))
        {
            errors.Add($"module: '{module}' does not exist in {folder}.");
        }
    }

    private static NodeType? ReadNode(JsonNode? value, string at, string packId, bool plugin, List<string> errors)
    {
        if (value is not JsonObject node)
        {
            errors.Add($"{at}: must be an object.");
            return null;
        }
        var before = errors.Count;
        var type = Text(node, "type", at, errors);
        if (type is not null)
        {
            var dot = type.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0 || type[..dot] != packId || !TypeName().IsMatch(type[(dot + 1)..]))
            {
                errors.Add($"{at}.type: '{type}' must be '{packId}.name' (name: a-z, 0-9, '-').");
            }
        }
        Text(node, "name", at, errors);
        Text(node, "category", at, errors);
        Text(node, "description", at, errors, optional: true);
        var runtime = Text(node, "runtime", at, errors);
        if (runtime is not null && !Runtimes.Contains(runtime))
        {
            errors.Add($"{at}.runtime: '{runtime}' must be browser, server or both.");
        }
        else if (plugin && runtime is "server" or "both")
        {
            errors.Add($"{at}.runtime: plugins run in the browser only ('{runtime}' needs C# code in Atelier.Graph).");
        }
        var inputs = Ports(node, "inputs", at, PortTypes.Inputs, errors);
        var outputs = Ports(node, "outputs", at, PortTypes.Outputs, errors);
        var parameters = new Dictionary<string, ParamSpec>(StringComparer.Ordinal);
        if (node["params"] is not JsonArray specs)
        {
            errors.Add($"{at}.params: must be an array (empty when the node has none).");
        }
        else
        {
            for (var i = 0; i < specs.Count; i++)
            {
                if (ReadParam(specs[i], $"{at}.params[{i}]", errors) is { } spec && !parameters.TryAdd(spec.Id, spec))
                {
                    errors.Add($"{at}.params[{i}].id: '{spec.Id}' is declared twice.");
                }
            }
        }
        if (errors.Count > before || type is null || runtime is null)
        {
            return null;
        }
        var json = (JsonObject)node.DeepClone();
        json["pack"] = packId;
        return new NodeType { Type = type, Pack = packId, Runtime = runtime, Inputs = inputs, Outputs = outputs, Params = parameters, Json = json };
    }

    private static Dictionary<string, PortSpec> Ports(JsonObject node, string field, string at, HashSet<string> types, List<string> errors)
    {
        var ports = new Dictionary<string, PortSpec>(StringComparer.Ordinal);
        if (node[field] is not JsonArray list)
        {
            errors.Add($"{at}.{field}: must be an array (empty when the node has none).");
            return ports;
        }
        for (var i = 0; i < list.Count; i++)
        {
            var p = $"{at}.{field}[{i}]";
            if (list[i] is not JsonObject port)
            {
                errors.Add($"{p}: must be an object.");
                continue;
            }
            var id = Text(port, "id", p, errors);
            var type = Text(port, "type", p, errors);
            var name = Text(port, "name", p, errors);
            if (id is not null && !ItemId().IsMatch(id))
            {
                errors.Add($"{p}.id: '{id}' must be 1–64 of A-Z, a-z, 0-9, '_' and '-'.");
            }
            if (type is not null && !types.Contains(type))
            {
                errors.Add($"{p}.type: '{type}' is not one of {string.Join(", ", types)}.");
            }
            if (id is not null && type is not null && !ports.TryAdd(id, new PortSpec(id, type, name ?? id)))
            {
                errors.Add($"{p}.id: '{id}' is declared twice.");
            }
        }
        return ports;
    }

    private static ParamSpec? ReadParam(JsonNode? value, string at, List<string> errors)
    {
        if (value is not JsonObject spec)
        {
            errors.Add($"{at}: must be an object.");
            return null;
        }
        var before = errors.Count;
        var id = Text(spec, "id", at, errors);
        if (id is not null && !ItemId().IsMatch(id))
        {
            errors.Add($"{at}.id: '{id}' must be 1–64 of A-Z, a-z, 0-9, '_' and '-'.");
        }
        Text(spec, "name", at, errors);
        var kind = Text(spec, "kind", at, errors);
        if (kind is not null && !ParamKinds.Contains(kind))
        {
            errors.Add($"{at}.kind: '{kind}' must be number, choice, toggle, text or media.");
            return null;
        }
        double min = 0, max = 0;
        var unit = "";
        List<string> options = [];
        var maxLength = 0;
        var @default = spec["default"];
        switch (kind)
        {
            case "number":
                var lo = Number(spec, "min", at, errors);
                var hi = Number(spec, "max", at, errors);
                var d = Number(spec, "default", at, errors);
                unit = Text(spec, "unit", at, errors, optional: true) ?? "";
                var scale = Text(spec, "scale", at, errors, optional: true) ?? "linear";
                if (scale is not ("linear" or "log"))
                {
                    errors.Add($"{at}.scale: '{scale}' must be linear or log.");
                }
                if (lo is { } a && hi is { } b)
                {
                    if (a > b)
                    {
                        errors.Add($"{at}: min {Show(a)} is above max {Show(b)}.");
                    }
                    else if (d is { } c && (c < a || c > b))
                    {
                        errors.Add($"{at}.default: {Show(c)} is outside {Show(a)}…{Show(b)}.");
                    }
                    if (scale == "log" && a <= 0)
                    {
                        errors.Add($"{at}.scale: a log scale needs min above 0 (min is {Show(a)}).");
                    }
                    (min, max) = (a, b);
                }
                if (spec["step"] is { } step && (step.GetValueKind() != JsonValueKind.Number || step.GetValue<double>() <= 0))
                {
                    errors.Add($"{at}.step: must be a number above 0.");
                }
                break;
            case "choice":
                if (spec["options"] is not JsonArray list || list.Count == 0 || list.Any(o => o?.GetValueKind() != JsonValueKind.String))
                {
                    errors.Add($"{at}.options: must be a non-empty array of strings.");
                    break;
                }
                options = [.. list.Select(o => o!.GetValue<string>())];
                if (options.Distinct(StringComparer.Ordinal).Count() != options.Count)
                {
                    errors.Add($"{at}.options: the options must differ from each other.");
                }
                if (@default?.GetValueKind() != JsonValueKind.String || !options.Contains(@default.GetValue<string>()))
                {
                    errors.Add($"{at}.default: must be one of the options.");
                }
                break;
            case "toggle":
                if (@default?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add($"{at}.default: must be true or false.");
                }
                break;
            case "text":
                if (spec["maxLength"] is not { } length || length.GetValueKind() != JsonValueKind.Number
                    || !length.AsValue().TryGetValue<int>(out maxLength) || maxLength < 1 || maxLength > PatchLimits.MaxDocumentBytes)
                {
                    errors.Add($"{at}.maxLength: must be a whole number from 1 to {PatchLimits.MaxDocumentBytes}.");
                }
                if (@default?.GetValueKind() != JsonValueKind.String)
                {
                    errors.Add($"{at}.default: must be a string.");
                }
                else if (maxLength > 0 && @default.GetValue<string>().Length > maxLength)
                {
                    errors.Add($"{at}.default: is longer than maxLength {maxLength}.");
                }
                break;
            case "media":
                Text(spec, "mediaKind", at, errors);
                maxLength = MediaIdLength;
                if (@default?.GetValueKind() != JsonValueKind.String)
                {
                    errors.Add($"{at}.default: must be a string (a media id, or empty).");
                }
                break;
        }
        return errors.Count > before || id is null || kind is null ? null
            : new ParamSpec { Id = id, Kind = kind, Min = min, Max = max, Unit = unit, Options = options, MaxLength = maxLength, Json = (JsonObject)spec.DeepClone() };
    }

    /// <summary>A media parameter holds a media library id (a GUID); anything longer is not one.</summary>
    public const int MediaIdLength = 100;

    private static string? Text(JsonObject o, string field, string at, List<string> errors, bool optional = false)
    {
        var path = at.Length == 0 ? field : $"{at}.{field}";
        switch (o[field])
        {
            case null when optional:
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { } s && (optional || s.Length > 0):
                return s;
            default:
                errors.Add(optional ? $"{path}: must be a string." : $"{path}: must be a non-empty string.");
                return null;
        }
    }

    private static double? Number(JsonObject o, string field, string at, List<string> errors)
    {
        if (o[field] is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            return v.GetValue<double>();
        }
        errors.Add($"{at}.{field}: must be a number.");
        return null;
    }

    internal static string Show(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
