using System.Globalization;

namespace Atelier.Graph;

/// <summary>A graph checked and ordered for evaluation; make a <see cref="GraphEvaluator"/> from it for each run.</summary>
public sealed class CompiledGraph
{
    internal CompiledGraph(CompiledNode[] nodes, int[] order, IReadOnlyList<string> ignored)
    {
        Nodes = nodes;
        OrderIndexes = order;
        Order = [.. order.Select(i => nodes[i].Id)];
        Ignored = ignored;
    }

    internal CompiledNode[] Nodes { get; }

    internal int[] OrderIndexes { get; }

    /// <summary>The ids of the evaluated nodes in evaluation order: every node after the nodes that feed it (Kahn's algorithm, ties in document order).</summary>
    public IReadOnlyList<string> Order { get; }

    /// <summary>The ids of nodes left out because their type runs in the browser only (their edges are dropped too).</summary>
    public IReadOnlyList<string> Ignored { get; }

    /// <summary>True when a running clock will ask for more steps; without one a run evaluates the graph once.</summary>
    public bool HasClock => Nodes.Any(n => n.Type.Type == "core.clock" && n.Params[1].AsNumber(1) != 0);
}

/// <summary>A node after compilation: its parameter values (defaults filled in) and where each input comes from.</summary>
internal sealed class CompiledNode(string id, NodeType type, Value[] parameters, (int Node, int Port)[] sources, int[] inputParams)
{
    public string Id { get; } = id;
    public NodeType Type { get; } = type;
    public Value[] Params { get; } = parameters;

    /// <summary>Per input: the node index and output index feeding it, or (-1, -1) when unconnected.</summary>
    public (int Node, int Port)[] Sources { get; } = sources;

    /// <summary>Per input: the index of the parameter with the same id (its value when unconnected), or -1.</summary>
    public int[] InputParams { get; } = inputParams;
}

/// <summary>The outcome of <see cref="GraphCompiler.Compile"/>: a graph ready to run, or the faults that stop it.</summary>
/// <param name="Graph">The compiled graph, null when there are errors.</param>
/// <param name="Errors">Every fault found (empty on success).</param>
public sealed record CompileResult(CompiledGraph? Graph, IReadOnlyList<GraphError> Errors)
{
    /// <summary>True when the graph compiled.</summary>
    public bool Succeeded => Graph is not null;
}

/// <summary>
/// Checks a graph for the server engine and orders it: parameter kinds and ranges, edges between existing ports of
/// compatible types (at most one edge into an input), OSC out targets, and no cycle except through a
/// <c>core.hold</c> node ("Delay (value)"), whose output is its previous step's input and so does not depend on it.
/// Nodes whose type is not a server type (<see cref="ServerNodes"/>) are left out with their edges.
/// </summary>
public static class GraphCompiler
{
    /// <summary>The most nodes one graph may have (the patch format's limit).</summary>
    public const int MaxNodes = 2000;

    /// <summary>Compiles <paramref name="graph"/>; never throws for a bad graph, it reports it.</summary>
    public static CompileResult Compile(Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var errors = new List<GraphError>();
        if (graph.Nodes.Count > MaxNodes)
        {
            return new(null, [new GraphError(null, null, $"The graph has {graph.Nodes.Count} nodes; at most {MaxNodes} can run.")]);
        }

        var ignored = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<(GraphNode Node, NodeType Type)>();
        foreach (var node in graph.Nodes)
        {
            if (string.IsNullOrEmpty(node.Id))
            {
                errors.Add(new GraphError(null, null, $"A {node.Type} node has no id."));
                continue;
            }
            if (!seen.Add(node.Id))
            {
                errors.Add(new GraphError(node.Id, null, $"Two nodes are named '{node.Id}'; node ids must be unique."));
                continue;
            }
            if (!ServerNodes.All.TryGetValue(node.Type, out var type))
            {
                ignored.Add(node.Id);
                continue;
            }
            index[node.Id] = kept.Count;
            kept.Add((node, type));
        }

        var parameters = kept.Select(k => Parameters(k.Node, k.Type, errors)).ToArray();
        var sources = kept.Select(k => Enumerable.Repeat((-1, -1), k.Type.Inputs.Count).ToArray()).ToArray();
        foreach (var edge in graph.Edges)
        {
            if (ignored.Contains(edge.FromNode) || ignored.Contains(edge.ToNode))
            {
                continue; // an edge to or from a browser node: the browser runtime handles it
            }
            if (!index.TryGetValue(edge.FromNode, out var from))
            {
                errors.Add(new GraphError(edge.ToNode, edge.ToPort, $"The edge {edge} comes from a node '{edge.FromNode}' that does not exist."));
                continue;
            }
            if (!index.TryGetValue(edge.ToNode, out var to))
            {
                errors.Add(new GraphError(edge.FromNode, edge.FromPort, $"The edge {edge} goes to a node '{edge.ToNode}' that does not exist."));
                continue;
            }
            var (fromNode, fromType) = kept[from];
            var (toNode, toType) = kept[to];
            var output = fromType.OutputIndex(edge.FromPort);
            if (output < 0)
            {
                errors.Add(new GraphError(fromNode.Id, edge.FromPort, $"{fromType.Type} node '{fromNode.Id}' has no output '{edge.FromPort}'."));
                continue;
            }
            var input = toType.InputIndex(edge.ToPort);
            if (input < 0)
            {
                errors.Add(new GraphError(toNode.Id, edge.ToPort, $"{toType.Type} node '{toNode.Id}' has no input '{edge.ToPort}'."));
                continue;
            }
            var outType = fromType.Outputs[output].Type;
            var inType = toType.Inputs[input].Type;
            if (!ServerNodes.CanConnect(outType, inType))
            {
                errors.Add(new GraphError(toNode.Id, edge.ToPort,
                    $"{Name(outType)} output '{fromNode.Id}.{edge.FromPort}' cannot feed {Name(inType)} input '{toNode.Id}.{edge.ToPort}'."));
                continue;
            }
            if (sources[to][input].Item1 >= 0)
            {
                var (other, otherPort) = sources[to][input];
                errors.Add(new GraphError(toNode.Id, edge.ToPort,
                    $"Input '{toNode.Id}.{edge.ToPort}' already takes '{kept[other].Node.Id}.{kept[other].Type.Outputs[otherPort].Id}'; an input takes one edge."));
                continue;
            }
            sources[to][input] = (from, output);
        }

        var order = errors.Count == 0 ? Order(kept, sources, errors) : null;
        if (errors.Count > 0 || order is null)
        {
            return new(null, errors);
        }
        var nodes = kept.Select((k, i) => new CompiledNode(k.Node.Id, k.Type, parameters[i], sources[i],
            [.. k.Type.Inputs.Select(input => IndexOfParam(k.Type, input.Id))])).ToArray();
        return new(new CompiledGraph(nodes, order, ignored), []);
    }

    private static string Name(PortType type) => type.ToString().ToLowerInvariant();

    private static int IndexOfParam(NodeType type, string id)
    {
        for (var i = 0; i < type.Params.Count; i++)
        {
            if (type.Params[i].Id == id)
            {
                return i;
            }
        }
        return -1;
    }

    private static Value[] Parameters(GraphNode node, NodeType type, List<GraphError> errors)
    {
        var values = new Value[type.Params.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var spec = type.Params[i];
            if (!node.Params.TryGetValue(spec.Id, out var value))
            {
                values[i] = spec.Default;
                continue;
            }
            var problem = spec.Kind switch
            {
                ParamKind.Number when !value.IsNumber => "must be a number",
                ParamKind.Number when value.Number < spec.Min || value.Number > spec.Max =>
                    string.Create(CultureInfo.InvariantCulture, $"is {value.Number}, outside {spec.Min}…{spec.Max}"),
                ParamKind.Toggle when !value.IsNumber => "must be true or false",
                ParamKind.Choice when value.Kind != ValueKind.Text || !spec.Options.Contains(value.Text!) =>
                    $"must be one of {string.Join(", ", spec.Options)}, not '{value}'",
                ParamKind.Text when value.Kind != ValueKind.Text => "must be text",
                _ => null,
            };
            if (problem is not null)
            {
                errors.Add(new GraphError(node.Id, spec.Id, $"Parameter '{spec.Id}' of {type.Type} node '{node.Id}' {problem}."));
            }
            values[i] = value;
        }
        if (type.Type == "core.osc-out")
        {
            CheckOscOut(node, values, errors);
        }
        return values;
    }

    private static void CheckOscOut(GraphNode node, Value[] values, List<GraphError> errors)
    {
        if (values[0].Text is not { Length: > 0 })
        {
            errors.Add(new GraphError(node.Id, "host", $"OSC out node '{node.Id}' needs a host."));
        }
        if (values[1].IsNumber && values[1].Number != Math.Floor(values[1].Number))
        {
            errors.Add(new GraphError(node.Id, "port", $"The port of OSC out node '{node.Id}' must be a whole number."));
        }
        if (values[2].Text is { } address && Osc.OscMessage.AddressProblem(address) is { } problem)
        {
            errors.Add(new GraphError(node.Id, "address", $"The address of OSC out node '{node.Id}' {problem}."));
        }
    }

    /// <summary>
    /// Kahn's algorithm. An edge into a hold node is no dependency (the hold reads it after the step), which is what
    /// makes a loop through a hold legal; any other loop leaves nodes that never reach in-degree 0, and one of those
    /// loops is named in the error.
    /// </summary>
    private static int[]? Order(List<(GraphNode Node, NodeType Type)> nodes, (int Node, int Port)[][] sources, List<GraphError> errors)
    {
        var indegree = new int[nodes.Count];
        var consumers = new List<int>[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            consumers[i] = [];
        }
        for (var to = 0; to < nodes.Count; to++)
        {
            if (nodes[to].Type.BreaksCycles)
            {
                continue;
            }
            foreach (var (from, _) in sources[to])
            {
                if (from >= 0)
                {
                    indegree[to]++;
                    consumers[from].Add(to);
                }
            }
        }
        // A sorted set of ready indexes keeps ties in document order, so the same patch always runs the same way.
        var ready = new SortedSet<int>(Enumerable.Range(0, nodes.Count).Where(i => indegree[i] == 0));
        var order = new List<int>(nodes.Count);
        while (ready.Count > 0)
        {
            var next = ready.Min;
            ready.Remove(next);
            order.Add(next);
            foreach (var consumer in consumers[next])
            {
                if (--indegree[consumer] == 0)
                {
                    ready.Add(consumer);
                }
            }
        }
        if (order.Count == nodes.Count)
        {
            return [.. order];
        }
        var cycle = FindCycle(nodes, indegree, sources);
        var path = string.Join(" → ", cycle.Select(i => nodes[i].Node.Id));
        errors.Add(new GraphError(nodes[cycle[0]].Node.Id, null,
            $"The graph has a cycle: {path}. A loop must pass through a Delay (value) node (core.hold)."));
        return null;
    }

    /// <summary>
    /// Every node left over by Kahn's algorithm has a feeding node that is left over too, so walking back along feeding
    /// nodes from any of them must repeat a node: the stretch between the repeats is a loop (reversed into flow order).
    /// </summary>
    private static List<int> FindCycle(List<(GraphNode Node, NodeType Type)> nodes, int[] indegree, (int Node, int Port)[][] sources)
    {
        var position = new Dictionary<int, int>();
        var walk = new List<int>();
        var current = Enumerable.Range(0, nodes.Count).First(i => indegree[i] > 0);
        while (!position.ContainsKey(current))
        {
            position[current] = walk.Count;
            walk.Add(current);
            current = sources[current].Select(s => s.Node).First(n => n >= 0 && indegree[n] > 0);
        }
        var loop = walk.GetRange(position[current], walk.Count - position[current]);
        loop.Reverse();
        // Start at the loop's first node in document order, so the message reads the same however the walk began.
        var first = loop.IndexOf(loop.Min());
        loop = [.. loop[first..], .. loop[..first]];
        loop.Add(loop[0]);
        return loop;
    }
}
