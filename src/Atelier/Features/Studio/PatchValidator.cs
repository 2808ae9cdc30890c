using System.Buffers;
using System.Text.Json;

namespace Atelier.Features.Studio;

/// <summary>
/// The outcome of checking a patch document: on success the normalised document to store and its node count; otherwise
/// the faults keyed by JSON path (docs/patch-format.md "Validation"), each message naming the path and the problem.
/// </summary>
internal sealed record PatchCheck(string? Document, int NodeCount, Dictionary<string, string[]> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Checks every document the server stores against the node registry: format and version, limits, node types and
/// parameter values, edges (dangling, direction, port types, one edge per non-audio input), modules (missing,
/// recursive, exposed ports) and controls. A valid document is normalised: written back compactly with only the
/// fields of the format (unknown fields at any level are dropped, missing <c>modules</c>/<c>controls</c> become
/// <c>[]</c>), so every reader of a stored patch sees exactly the documented shape.
/// </summary>
internal sealed class PatchValidator(NodeRegistry registry)
{
    public const string Format = "atelier.patch";
    public const int CurrentVersion = 1;
    public const int MaxLabel = 100;

    /// <summary>Beyond this many faults the list stops: a document that broken needs no more detail.</summary>
    public const int MaxErrors = 50;

    /// <summary>Checks a document as raw bytes (the import body, a request's document): size first, then JSON.</summary>
    public PatchCheck Validate(ReadOnlySpan<byte> raw)
    {
        if (raw.Length > PatchLimits.MaxDocumentBytes)
        {
            return Fail("document", $"document: {raw.Length} bytes is over the limit of {PatchLimits.MaxDocumentBytes} bytes (1 MB).");
        }
        try
        {
            var reader = new Utf8JsonReader(raw, new JsonReaderOptions { MaxDepth = 64 });
            using var json = JsonDocument.ParseValue(ref reader);
            return Validate(json.RootElement, checkSize: false);
        }
        catch (JsonException e)
        {
            return Fail("document", $"document: not valid JSON ({e.Message})");
        }
    }

    /// <summary>Checks a document already parsed (part of a request body).</summary>
    public PatchCheck Validate(JsonElement document) => Validate(document, checkSize: true);

    private PatchCheck Validate(JsonElement document, bool checkSize)
    {
        // The element's own UTF-8 text, not a copy: a request's document is measured without allocating it again.
        if (checkSize && document.ValueKind is JsonValueKind.Object or JsonValueKind.Array
            && System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(document).Length is var size && size > PatchLimits.MaxDocumentBytes)
        {
            return Fail("document", $"document: {size} bytes is over the limit of {PatchLimits.MaxDocumentBytes} bytes (1 MB).");
        }
        var run = new Run(registry);
        run.Check(document);
        if (run.Errors.Count > 0)
        {
            return new PatchCheck(null, run.NodeCount, run.Errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
        return new PatchCheck(Normalize(document), run.NodeCount, []);
    }

    private static PatchCheck Fail(string path, string message) => new(null, 0, new() { [path] = [message] });

    /// <summary>One validation: the faults found so far and what the graphs contain.</summary>
    private sealed class Run(NodeRegistry registry)
    {
        public Dictionary<string, List<string>> Errors { get; } = new(StringComparer.Ordinal);
        public int NodeCount { get; private set; }

        private int _errorCount;
        private readonly Dictionary<string, Module> _modules = new(StringComparer.Ordinal);

        private sealed class Node(string id, NodeType? type, string? module)
        {
            public string Id { get; } = id;
            public NodeType? Type { get; } = type;
            public string? Module { get; } = module;
        }

        private sealed class Module(int index, JsonElement json)
        {
            public int Index { get; } = index;
            public JsonElement Json { get; } = json;
            public string Path => $"modules[{Index}]";
            public Dictionary<string, Node> Nodes { get; set; } = [];
            public HashSet<string> Uses { get; } = new(StringComparer.Ordinal);
            public bool Recursive { get; set; }

            /// <summary>Exposed ports and their types; null while unknown (a recursive module, or not resolved yet).</summary>
            public Dictionary<string, string>? Inputs { get; set; }
            public Dictionary<string, string>? Outputs { get; set; }
        }

        private void Add(string path, string problem)
        {
            if (_errorCount >= MaxErrors)
            {
                return;
            }
            _errorCount++;
            if (!Errors.TryGetValue(path, out var list))
            {
                Errors[path] = list = [];
            }
            list.Add($"{path}: {problem}");
        }

        public void Check(JsonElement doc)
        {
            if (doc.ValueKind != JsonValueKind.Object)
            {
                Add("document", $"must be a JSON object (a patch document), not {Kind(doc)}.");
                return;
            }
            if (!doc.TryGetProperty("format"u8, out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format)
            {
                Add("format", $"must be \"{Format}\" (this is not a patch document).");
                return;
            }
            if (!doc.TryGetProperty("version"u8, out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v < 1)
            {
                Add("version", $"must be the format version number ({CurrentVersion}).");
                return;
            }
            if (v > CurrentVersion)
            {
                Add("version", $"version {v} is newer than this server understands (it reads version {CurrentVersion}); update Atelier.");
                return;
            }

            // Module definitions first: nodes anywhere may instantiate any of them.
            var modules = Array(doc, F.Modules, "modules", optional: true);
            for (var i = 0; i < modules.Count; i++)
            {
                var m = modules[i];
                var at = $"modules[{i}]";
                if (m.ValueKind != JsonValueKind.Object)
                {
                    Add(at, "must be an object.");
                    continue;
                }
                if (Id(m, at) is { } id)
                {
                    if (!_modules.TryAdd(id, new Module(i, m)))
                    {
                        Add($"{at}.id", $"the module id '{id}' is used twice.");
                    }
                }
                Label(m, F.Name, at, required: true);
            }

            var top = ReadNodes(doc, "", null);
            foreach (var module in _modules.Values)
            {
                module.Nodes = ReadNodes(module.Json, module.Path + ".", module);
            }
            if (NodeCount > PatchLimits.MaxNodes)
            {
                Add("nodes", $"{NodeCount} nodes (modules included) is over the limit of {PatchLimits.MaxNodes}.");
                return;
            }

            FindRecursion();
            foreach (var module in Ordered())
            {
                module.Inputs = ExposedPorts(module, F.Inputs, input: true);
                module.Outputs = ExposedPorts(module, F.Outputs, input: false);
            }

            ReadEdges(doc, "", top);
            foreach (var module in _modules.Values)
            {
                ReadEdges(module.Json, module.Path + ".", module.Nodes);
            }
            ReadControls(doc, top);
            ReadViewport(doc);
        }

        private Dictionary<string, Node> ReadNodes(JsonElement graph, string prefix, Module? owner)
        {
            var nodes = new Dictionary<string, Node>(StringComparer.Ordinal);
            var list = Array(graph, F.Nodes, prefix + "nodes", optional: false);
            NodeCount += list.Count;
            if (NodeCount > PatchLimits.MaxNodes)
            {
                return nodes;
            }
            for (var i = 0; i < list.Count; i++)
            {
                var at = $"{prefix}nodes[{i}]";
                var n = list[i];
                if (n.ValueKind != JsonValueKind.Object)
                {
                    Add(at, "must be an object.");
                    continue;
                }
                var id = Id(n, at);
                if (id is not null && nodes.ContainsKey(id))
                {
                    Add($"{at}.id", $"the node id '{id}' is used twice in this graph.");
                    id = null;
                }
                foreach (var axis in (ReadOnlySpan<JsonEncodedText>)[F.X, F.Y])
                {
                    if (!n.TryGetProperty(axis.EncodedUtf8Bytes, out var c) || !Finite(c))
                    {
                        Add($"{at}.{axis}", "must be a number (the position on the canvas).");
                    }
                }
                Label(n, F.Label, at, required: false);
                if (!n.TryGetProperty("type"u8, out var typeElement) || typeElement.ValueKind != JsonValueKind.String || typeElement.GetString() is not { Length: > 0 } type)
                {
                    Add($"{at}.type", "must be a node type (e.g. core.oscillator) or \"module\".");
                    continue;
                }
                Node? node = null;
                if (type == "module")
                {
                    if (!n.TryGetProperty("module"u8, out var name) || name.ValueKind != JsonValueKind.String)
                    {
                        Add($"{at}.module", "a module node names the id of a module definition.");
                    }
                    else if (!_modules.ContainsKey(name.GetString()!))
                    {
                        Add($"{at}.module", $"there is no module '{name.GetString()}' in modules.");
                    }
                    else
                    {
                        node = new Node(id ?? "", null, name.GetString());
                        owner?.Uses.Add(name.GetString()!);
                    }
                    if (n.TryGetProperty("params"u8, out var p) && (p.ValueKind != JsonValueKind.Object || p.EnumerateObject().Any()))
                    {
                        Add($"{at}.params", "a module node has no parameters (set them on the nodes inside the module).");
                    }
                }
                else if (registry.Find(type) is not { } nodeType)
                {
                    Add($"{at}.type", $"Unknown node type '{type}'.");
                }
                else
                {
                    node = new Node(id ?? "", nodeType, null);
                    Params(n, at, nodeType);
                }
                if (id is not null && node is not null)
                {
                    nodes[id] = node;
                }
            }
            return nodes;
        }

        private void Params(JsonElement node, string at, NodeType type)
        {
            if (!node.TryGetProperty("params"u8, out var values))
            {
                return;
            }
            if (values.ValueKind != JsonValueKind.Object)
            {
                Add($"{at}.params", "must be an object of parameter id → value.");
                return;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var value in values.EnumerateObject())
            {
                var path = $"{at}.params.{value.Name}";
                if (!seen.Add(value.Name))
                {
                    Add(path, "is given twice.");
                    continue;
                }
                if (!type.Params.TryGetValue(value.Name, out var spec))
                {
                    Add(path, $"{type.Type} has no parameter '{value.Name}'.");
                    continue;
                }
                var name = $"{type.Type}.{spec.Id}";
                var v = value.Value;
                switch (spec.Kind)
                {
                    case "number" when !Finite(v):
                        Add(path, $"{name} takes a number, not {Kind(v)}.");
                        break;
                    case "number" when v.GetDouble() < spec.Min:
                        Add(path, $"{Show(v)} is below the minimum {Unit(spec.Min, spec.Unit)} of {name}.");
                        break;
                    case "number" when v.GetDouble() > spec.Max:
                        Add(path, $"{Show(v)} is above the maximum {Unit(spec.Max, spec.Unit)} of {name}.");
                        break;
                    case "choice" when v.ValueKind != JsonValueKind.String || !spec.Options.Contains(v.GetString()!):
                        Add(path, $"{Show(v)} is not one of the options of {name} ({string.Join(", ", spec.Options)}).");
                        break;
                    case "toggle" when v.ValueKind is not (JsonValueKind.True or JsonValueKind.False):
                        Add(path, $"{name} is a toggle: true or false, not {Kind(v)}.");
                        break;
                    case "text" or "media" when v.ValueKind != JsonValueKind.String:
                        Add(path, $"{name} takes a string, not {Kind(v)}.");
                        break;
                    case "text" or "media" when v.GetString()!.Length > spec.MaxLength:
                        Add(path, $"{v.GetString()!.Length} characters is over the maximum length {spec.MaxLength} of {name}.");
                        break;
                }
            }
        }

        /// <summary>Marks every module that contains itself, directly or through others, and reports the loop once per module on it.</summary>
        private void FindRecursion()
        {
            // Iterative depth-first search: a chain of modules may be as deep as the node limit.
            var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the path, 2 done
            foreach (var start in _modules.Keys)
            {
                if (state.ContainsKey(start))
                {
                    continue;
                }
                var path = new List<string> { start };
                var stack = new Stack<IEnumerator<string>>();
                state[start] = 1;
                stack.Push(_modules[start].Uses.GetEnumerator());
                while (stack.Count > 0)
                {
                    var next = stack.Peek();
                    if (!next.MoveNext())
                    {
                        stack.Pop();
                        state[path[^1]] = 2;
                        path.RemoveAt(path.Count - 1);
                        continue;
                    }
                    var used = next.Current;
                    if (!_modules.ContainsKey(used))
                    {
                        continue;
                    }
                    if (state.GetValueOrDefault(used) == 1)
                    {
                        var loop = path[path.IndexOf(used)..];
                        foreach (var member in loop.Where(m => !_modules[m].Recursive))
                        {
                            _modules[member].Recursive = true;
                            var from = loop.IndexOf(member);
                            var cycle = string.Join(" → ", loop[from..].Concat(loop[..from]).Append(member));
                            Add($"{_modules[member].Path}.nodes", $"module '{member}' contains itself ({cycle}).");
                        }
                    }
                    else if (!state.ContainsKey(used))
                    {
                        state[used] = 1;
                        path.Add(used);
                        stack.Push(_modules[used].Uses.GetEnumerator());
                    }
                }
            }
        }

        /// <summary>The non-recursive modules, each after the modules it uses, so exposed port types resolve in one pass.</summary>
        private List<Module> Ordered()
        {
            var order = new List<Module>();
            var pending = _modules.Values.Where(m => !m.Recursive).ToDictionary(m => m, m => m.Uses.Count(u => _modules.TryGetValue(u, out var d) && !d.Recursive && d != m));
            var ready = new Queue<Module>(pending.Where(p => p.Value == 0).Select(p => p.Key));
            var usedBy = _modules.Values.Where(m => !m.Recursive).SelectMany(m => m.Uses.Where(_modules.ContainsKey).Select(u => (Used: _modules[u], By: m)))
                .ToLookup(p => p.Used, p => p.By);
            while (ready.Count > 0)
            {
                var module = ready.Dequeue();
                order.Add(module);
                foreach (var by in usedBy[module].Distinct())
                {
                    if (pending.ContainsKey(by) && --pending[by] == 0)
                    {
                        ready.Enqueue(by);
                    }
                }
            }
            return order;
        }

        private Dictionary<string, string> ExposedPorts(Module module, JsonEncodedText field, bool input)
        {
            var ports = new Dictionary<string, string>(StringComparer.Ordinal);
            var list = Array(module.Json, field, $"{module.Path}.{field}", optional: true);
            for (var i = 0; i < list.Count; i++)
            {
                var at = $"{module.Path}.{field}[{i}]";
                var p = list[i];
                if (p.ValueKind != JsonValueKind.Object)
                {
                    Add(at, "must be an object { id, name, node, port }.");
                    continue;
                }
                var id = Id(p, at);
                Label(p, F.Name, at, required: true);
                var inner = Ref(p, at);
                if (id is null || inner is null)
                {
                    continue;
                }
                if (!module.Nodes.TryGetValue(inner.Value.Node, out var node))
                {
                    Add($"{at}.node", $"module '{module.Json.GetProperty("id"u8)}' has no node '{inner.Value.Node}'.");
                    continue;
                }
                var (inputs, outputs) = PortsOf(node);
                var type = (input ? inputs : outputs)?.GetValueOrDefault(inner.Value.Port);
                if ((input ? inputs : outputs) is not null && type is null)
                {
                    Add($"{at}.port", $"'{inner.Value.Node}' has no {(input ? "input" : "output")} '{inner.Value.Port}'.");
                    continue;
                }
                if (!ports.TryAdd(id, type ?? "unknown"))
                {
                    Add($"{at}.id", $"the port id '{id}' is used twice.");
                }
            }
            return ports;
        }

        /// <summary>A node's ports and their types; null when they cannot be known (a module that contains itself).</summary>
        private (IReadOnlyDictionary<string, string>? Inputs, IReadOnlyDictionary<string, string>? Outputs) PortsOf(Node node)
        {
            if (node.Type is { } type)
            {
                return (type.InputTypes, type.OutputTypes);
            }
            var module = _modules[node.Module!];
            return (module.Inputs, module.Outputs);
        }

        private void ReadEdges(JsonElement graph, string prefix, Dictionary<string, Node> nodes)
        {
            var list = Array(graph, F.Edges, prefix + "edges", optional: false);
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var fed = new Dictionary<(string, string), int>();
            for (var i = 0; i < list.Count; i++)
            {
                var at = $"{prefix}edges[{i}]";
                var e = list[i];
                if (e.ValueKind != JsonValueKind.Object)
                {
                    Add(at, "must be an object { id, from, to }.");
                    continue;
                }
                if (Id(e, at) is { } id && !ids.Add(id))
                {
                    Add($"{at}.id", $"the edge id '{id}' is used twice in this graph.");
                }
                var from = e.TryGetProperty("from"u8, out var f) ? Ref(f, $"{at}.from") : Missing($"{at}.from");
                var to = e.TryGetProperty("to"u8, out var t) ? Ref(t, $"{at}.to") : Missing($"{at}.to");
                var outType = from is { } a ? End(nodes, a, $"{at}.from", output: true) : null;
                var inType = to is { } b ? End(nodes, b, $"{at}.to", output: false) : null;
                if (outType is null || inType is null || outType == "unknown" || inType == "unknown")
                {
                    continue;
                }
                if (!PortTypes.Compatible(outType, inType))
                {
                    Add(at, $"{outType} output '{from!.Value.Node}.{from.Value.Port}' cannot feed {inType} input '{to!.Value.Node}.{to.Value.Port}'.");
                    continue;
                }
                var key = (to!.Value.Node, to.Value.Port);
                fed[key] = fed.GetValueOrDefault(key) + 1;
                if (inType != "audio" && fed[key] > 1)
                {
                    Add(at, $"{inType} input '{key.Item1}.{key.Item2}' already has an edge; only audio inputs take more than one.");
                }
            }
        }

        private (string Node, string Port)? Missing(string at)
        {
            Add(at, "must be an object { node, port }.");
            return null;
        }

        /// <summary>The type of the port an edge end names, or null (reported) when it does not exist or points the wrong way.</summary>
        private string? End(Dictionary<string, Node> nodes, (string Node, string Port) end, string at, bool output)
        {
            if (!nodes.TryGetValue(end.Node, out var node))
            {
                Add($"{at}.node", $"there is no node '{end.Node}' in this graph (a dangling edge).");
                return null;
            }
            var (inputs, outputs) = PortsOf(node);
            if (inputs is null || outputs is null)
            {
                return "unknown";
            }
            var (wanted, other) = output ? (outputs, inputs) : (inputs, outputs);
            if (wanted.TryGetValue(end.Port, out var type))
            {
                return type;
            }
            Add($"{at}.port", other.ContainsKey(end.Port)
                ? $"'{end.Node}.{end.Port}' is an {(output ? "input" : "output")}; an edge goes from an output to an input."
                : $"'{end.Node}' has no {(output ? "output" : "input")} '{end.Port}' (a dangling edge).");
            return null;
        }

        private void ReadControls(JsonElement doc, Dictionary<string, Node> top)
        {
            var list = Array(doc, F.Controls, "controls", optional: true);
            for (var i = 0; i < list.Count; i++)
            {
                var at = $"controls[{i}]";
                var c = list[i];
                if (c.ValueKind != JsonValueKind.Object)
                {
                    Add(at, "must be an object { node, param, label? }.");
                    continue;
                }
                Label(c, F.Label, at, required: false);
                var node = String(c, F.Node, at);
                var param = String(c, F.Param, at);
                if (node is null || param is null)
                {
                    continue;
                }
                if (!top.TryGetValue(node, out var target))
                {
                    Add($"{at}.node", $"there is no top-level node '{node}'.");
                }
                else if (target.Type is not { } type)
                {
                    Add($"{at}.node", $"'{node}' is a module node; a control names a parameter of a node type.");
                }
                else if (!type.Params.ContainsKey(param))
                {
                    Add($"{at}.param", $"{type.Type} has no parameter '{param}'.");
                }
            }
        }

        private void ReadViewport(JsonElement doc)
        {
            if (!doc.TryGetProperty("viewport"u8, out var viewport) || viewport.ValueKind == JsonValueKind.Null)
            {
                return;
            }
            if (viewport.ValueKind != JsonValueKind.Object)
            {
                Add("viewport", "must be an object { x, y, zoom }.");
                return;
            }
            foreach (var field in (ReadOnlySpan<JsonEncodedText>)[F.X, F.Y, F.Zoom])
            {
                if (!viewport.TryGetProperty(field.EncodedUtf8Bytes, out var v) || !Finite(v) || (field.Equals(F.Zoom) && v.GetDouble() <= 0))
                {
                    Add($"viewport.{field}", field.Equals(F.Zoom) ? "must be a number above 0." : "must be a number.");
                }
            }
        }

        private List<JsonElement> Array(JsonElement o, JsonEncodedText field, string at, bool optional)
        {
            if (!o.TryGetProperty(field.EncodedUtf8Bytes, out var value) || (optional && value.ValueKind == JsonValueKind.Null))
            {
                if (!optional)
                {
                    Add(at, "is required: an array (empty when there are none).");
                }
                return [];
            }
            if (value.ValueKind != JsonValueKind.Array)
            {
                Add(at, $"must be an array, not {Kind(value)}.");
                return [];
            }
            return [.. value.EnumerateArray()];
        }

        private string? Id(JsonElement o, string at)
        {
            if (!o.TryGetProperty("id"u8, out var id) || id.ValueKind != JsonValueKind.String)
            {
                Add($"{at}.id", "an id is required (1–64 of A-Z, a-z, 0-9, '_' and '-').");
                return null;
            }
            var s = id.GetString()!;
            if (!PackReader.ItemId().IsMatch(s))
            {
                Add($"{at}.id", $"'{Clip(s)}' is not a valid id (1–64 of A-Z, a-z, 0-9, '_' and '-').");
                return null;
            }
            return s;
        }

        private string? String(JsonElement o, JsonEncodedText field, string at)
        {
            if (o.TryGetProperty(field.EncodedUtf8Bytes, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s)
            {
                return s;
            }
            Add($"{at}.{field}", "must be a non-empty string.");
            return null;
        }

        private (string Node, string Port)? Ref(JsonElement o, string at)
        {
            if (o.ValueKind != JsonValueKind.Object)
            {
                return Missing(at);
            }
            var node = String(o, F.Node, at);
            var port = String(o, F.Port, at);
            return node is null || port is null ? null : (node, port);
        }

        private void Label(JsonElement o, JsonEncodedText field, string at, bool required)
        {
            if (!o.TryGetProperty(field.EncodedUtf8Bytes, out var v))
            {
                if (required)
                {
                    Add($"{at}.{field}", $"is required (a string of at most {MaxLabel} characters).");
                }
                return;
            }
            if (v.ValueKind != JsonValueKind.String || v.GetString()!.Length > MaxLabel)
            {
                Add($"{at}.{field}", $"must be a string of at most {MaxLabel} characters.");
            }
        }
    }

    /// <summary>The format's field names, encoded once: looked up and written as UTF-8 without transcoding them each time.</summary>
    private static class F
    {
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
        public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
        public static readonly JsonEncodedText Module = JsonEncodedText.Encode("module");
        public static readonly JsonEncodedText X = JsonEncodedText.Encode("x");
        public static readonly JsonEncodedText Y = JsonEncodedText.Encode("y");
        public static readonly JsonEncodedText Label = JsonEncodedText.Encode("label");
        public static readonly JsonEncodedText Params = JsonEncodedText.Encode("params");
        public static readonly JsonEncodedText Node = JsonEncodedText.Encode("node");
        public static readonly JsonEncodedText Port = JsonEncodedText.Encode("port");
        public static readonly JsonEncodedText From = JsonEncodedText.Encode("from");
        public static readonly JsonEncodedText To = JsonEncodedText.Encode("to");
        public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
        public static readonly JsonEncodedText Param = JsonEncodedText.Encode("param");
        public static readonly JsonEncodedText Zoom = JsonEncodedText.Encode("zoom");
        public static readonly JsonEncodedText Inputs = JsonEncodedText.Encode("inputs");
        public static readonly JsonEncodedText Outputs = JsonEncodedText.Encode("outputs");
        public static readonly JsonEncodedText Nodes = JsonEncodedText.Encode("nodes");
        public static readonly JsonEncodedText Edges = JsonEncodedText.Encode("edges");
        public static readonly JsonEncodedText Modules = JsonEncodedText.Encode("modules");
        public static readonly JsonEncodedText Controls = JsonEncodedText.Encode("controls");
        public static readonly JsonEncodedText Viewport = JsonEncodedText.Encode("viewport");
    }

    private static bool Finite(JsonElement v) => v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d);

    private static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Show(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.TryGetDouble(out var d) ? PackReader.Show(d) : Clip(v.GetRawText()),
        JsonValueKind.String => $"'{Clip(v.GetString()!)}'",
        _ => Kind(v),
    };

    private static string Unit(double value, string unit) =>
        unit.Length == 0 ? PackReader.Show(value) : $"{PackReader.Show(value)} {unit}";

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>Writes a valid document back with only the format's fields (see the class comment).</summary>
    internal static string Normalize(JsonElement doc)
    {
        // One buffer per thread (at most about 2 MB: documents are at most 1 MB), reused: a large patch would otherwise
        // cost large-object allocations on every save.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(64 * 1024);
        buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteNumber("version", CurrentVersion);
            WriteGraph(w, doc);
            w.WriteStartArray(F.Modules);
            if (doc.TryGetProperty("modules"u8, out var modules) && modules.ValueKind == JsonValueKind.Array)
            {
                foreach (var m in modules.EnumerateArray())
                {
                    w.WriteStartObject();
                    Copy(w, m, F.Id);
                    Copy(w, m, F.Name);
                    WriteGraph(w, m);
                    foreach (var field in (ReadOnlySpan<JsonEncodedText>)[F.Inputs, F.Outputs])
                    {
                        w.WriteStartArray(field);
                        if (m.TryGetProperty(field.EncodedUtf8Bytes, out var ports) && ports.ValueKind == JsonValueKind.Array)
                        {
                            foreach (var p in ports.EnumerateArray())
                            {
                                WriteObject(w, p, F.Id, F.Name, F.Node, F.Port);
                            }
                        }
                        w.WriteEndArray();
                    }
                    w.WriteEndObject();
                }
            }
            w.WriteEndArray();
            w.WriteStartArray(F.Controls);
            if (doc.TryGetProperty("controls"u8, out var controls) && controls.ValueKind == JsonValueKind.Array)
            {
                foreach (var c in controls.EnumerateArray())
                {
                    WriteObject(w, c, F.Node, F.Param, F.Label);
                }
            }
            w.WriteEndArray();
            if (doc.TryGetProperty("viewport"u8, out var viewport) && viewport.ValueKind == JsonValueKind.Object)
            {
                w.WritePropertyName(F.Viewport);
                WriteObject(w, viewport, F.X, F.Y, F.Zoom);
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    private static void WriteGraph(Utf8JsonWriter w, JsonElement graph)
    {
        w.WriteStartArray(F.Nodes);
        foreach (var n in graph.GetProperty("nodes"u8).EnumerateArray())
        {
            w.WriteStartObject();
            Copy(w, n, F.Id);
            Copy(w, n, F.Type);
            Copy(w, n, F.Module);
            Copy(w, n, F.X);
            Copy(w, n, F.Y);
            Copy(w, n, F.Label);
            if (n.TryGetProperty("params"u8, out var p) && p.ValueKind == JsonValueKind.Object && p.EnumerateObject().Any())
            {
                w.WritePropertyName(F.Params);
                p.WriteTo(w);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray(F.Edges);
        foreach (var e in graph.GetProperty("edges"u8).EnumerateArray())
        {
            w.WriteStartObject();
            Copy(w, e, F.Id);
            w.WritePropertyName(F.From);
            WriteObject(w, e.GetProperty(F.From.EncodedUtf8Bytes), F.Node, F.Port);
            w.WritePropertyName(F.To);
            WriteObject(w, e.GetProperty(F.To.EncodedUtf8Bytes), F.Node, F.Port);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteObject(Utf8JsonWriter w, JsonElement o, params ReadOnlySpan<JsonEncodedText> fields)
    {
        w.WriteStartObject();
        foreach (var field in fields)
        {
            Copy(w, o, field);
        }
        w.WriteEndObject();
    }

    private static void Copy(Utf8JsonWriter w, JsonElement o, JsonEncodedText field)
    {
        if (o.TryGetProperty(field.EncodedUtf8Bytes, out var value))
        {
            w.WritePropertyName(field);
            value.WriteTo(w);
        }
    }
}
