using System.Text.Json;
using Atelier.Graph;

namespace Atelier.Features.Studio.Runs;

/// <summary>
/// Reads a stored patch document (docs/patch-format.md) into a flat <see cref="Graph.Graph"/> for the engine. Module
/// nodes are expanded: an instance <c>v</c> of a module with a node <c>osc</c> becomes node <c>v/osc</c>, and edges to
/// and from the instance's ports are rewired to the inner ports they expose. Documents are validated when saved, but a
/// run must still refuse a bad one cleanly (an older document, a validator gap), so every fault is reported, never thrown.
/// </summary>
internal static class PatchGraphReader
{
    public static (Graph.Graph? Graph, List<GraphError> Errors) Read(string document)
    {
        var errors = new List<GraphError>();
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(document);
        }
        catch (JsonException e)
        {
            errors.Add(new GraphError(null, null, $"The patch document is not valid JSON: {e.Message}"));
            return (null, errors);
        }
        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Str(root, "format") != "atelier.patch")
            {
                errors.Add(new GraphError(null, null, "The document is not an Atelier patch (format must be \"atelier.patch\")."));
                return (null, errors);
            }
            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || version.GetDouble() != 1)
            {
                errors.Add(new GraphError(null, null, $"Patch format version {(root.TryGetProperty("version", out var v) ? v.GetRawText() : "(none)")} is not supported; this server reads version 1."));
                return (null, errors);
            }
            var modules = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var module in Array(root, "modules"))
            {
                if (Str(module, "id") is { } id)
                {
                    modules[id] = module;
                }
            }
            var flat = new Flattener(modules, errors);
            flat.Expand("", root, []);
            return errors.Count > 0 ? (null, errors) : (new Graph.Graph(flat.Nodes, flat.Edges), errors);
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Array ? p.EnumerateArray() : [];

    private sealed class Flattener(Dictionary<string, JsonElement> modules, List<GraphError> errors)
    {
        /// <summary>Full id of each module instance → its module definition, to resolve edges to the instance's ports.</summary>
        private readonly Dictionary<string, JsonElement> _instances = new(StringComparer.Ordinal);

        public List<GraphNode> Nodes { get; } = [];
        public List<GraphEdge> Edges { get; } = [];

        public void Expand(string prefix, JsonElement graph, List<string> stack)
        {
            foreach (var node in Array(graph, "nodes"))
            {
                var id = prefix + (Str(node, "id") ?? "");
                var type = Str(node, "type") ?? "";
                if (type != "module")
                {
                    Nodes.Add(new GraphNode(id, type, Params(node)));
                    continue;
                }
                var moduleId = Str(node, "module") ?? "";
                if (!modules.TryGetValue(moduleId, out var module))
                {
                    errors.Add(new GraphError(id, null, $"Module node '{id}' uses a module '{moduleId}' that the patch does not define."));
                }
                else if (stack.Contains(moduleId) || stack.Count >= RunLimits.MaxModuleDepth)
                {
                    errors.Add(new GraphError(id, null, $"Module '{moduleId}' contains itself (through {string.Join(" → ", stack.Append(moduleId))})."));
                }
                else
                {
                    _instances[id] = module;
                    Expand(id + "/", module, [.. stack, moduleId]);
                }
            }
            foreach (var edge in Array(graph, "edges"))
            {
                var from = Resolve(prefix + (Str(Prop(edge, "from"), "node") ?? ""), Str(Prop(edge, "from"), "port") ?? "", "outputs");
                var to = Resolve(prefix + (Str(Prop(edge, "to"), "node") ?? ""), Str(Prop(edge, "to"), "port") ?? "", "inputs");
                if (from is not null && to is not null)
                {
                    Edges.Add(new GraphEdge(from.Value.Node, from.Value.Port, to.Value.Node, to.Value.Port));
                }
            }
        }

        /// <summary>Follows a module instance's port to the inner port it exposes (through nested instances).</summary>
        private (string Node, string Port)? Resolve(string node, string port, string side)
        {
            while (_instances.TryGetValue(node, out var module))
            {
                var exposed = Array(module, side).FirstOrDefault(p => Str(p, "id") == port);
                if (exposed.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new GraphError(node, port, $"Module node '{node}' has no {side[..^1]} '{port}'."));
                    return null;
                }
                node = node + "/" + Str(exposed, "node");
                port = Str(exposed, "port") ?? "";
            }
            return (node, port);
        }

        private static JsonElement Prop(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var p) ? p : default;

        private static Dictionary<string, Value> Params(JsonElement node)
        {
            var result = new Dictionary<string, Value>(StringComparer.Ordinal);
            if (node.TryGetProperty("params", out var ps) && ps.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in ps.EnumerateObject())
                {
                    // Booleans (toggles) become 1/0, the engine's way of carrying them (Atelier.Graph.Value).
                    Value? value = p.Value.ValueKind switch
                    {
                        JsonValueKind.Number => Value.Of(p.Value.GetDouble()),
                        JsonValueKind.True => Value.Of(true),
                        JsonValueKind.False => Value.Of(false),
                        JsonValueKind.String => Value.Of(p.Value.GetString()!),
                        _ => null,
                    };
                    if (value is { } v)
                    {
                        result[p.Name] = v;
                    }
                }
            }
            return result;
        }
    }
}
