namespace Atelier.Graph;

/// <summary>
/// The type of a port, as in the patch format: <c>audio</c>, <c>control</c>, <c>trigger</c>, <c>pattern</c>, <c>midi</c>,
/// and <c>any</c> (inputs only). The server engine carries control, trigger and (for <c>any</c> inputs) text values.
/// </summary>
public enum PortType
{
    /// <summary>An audio signal (browser nodes only).</summary>
    Audio,

    /// <summary>A number that holds until it changes.</summary>
    Control,

    /// <summary>An event in one step.</summary>
    Trigger,

    /// <summary>A Strudel pattern (browser nodes only).</summary>
    Pattern,

    /// <summary>MIDI messages (browser nodes only).</summary>
    Midi,

    /// <summary>An input that accepts any non-audio output.</summary>
    Any,
}

/// <summary>A node of a graph: its id (unique in the graph), its type (<c>core.math</c>) and its parameter values.</summary>
/// <param name="Id">Unique within the graph; flattened module nodes are named <c>instance/inner</c>.</param>
/// <param name="Type">The node type id from a node pack.</param>
/// <param name="Params">Parameter id → value; a missing parameter takes the type's default.</param>
public sealed record GraphNode(string Id, string Type, IReadOnlyDictionary<string, Value> Params)
{
    /// <summary>A node with no parameter values (every parameter at its default).</summary>
    public GraphNode(string id, string type) : this(id, type, new Dictionary<string, Value>())
    {
    }
}

/// <summary>A connection from an output port of one node to an input port of another.</summary>
/// <param name="FromNode">The id of the node whose output feeds the edge.</param>
/// <param name="FromPort">The output port id.</param>
/// <param name="ToNode">The id of the node whose input the edge feeds.</param>
/// <param name="ToPort">The input port id.</param>
public sealed record GraphEdge(string FromNode, string FromPort, string ToNode, string ToPort)
{
    /// <summary><c>node.port → node.port</c>, for messages.</summary>
    public override string ToString() => $"{FromNode}.{FromPort} → {ToNode}.{ToPort}";
}

/// <summary>A graph to compile: nodes and the edges between them (a flat graph: modules are already expanded).</summary>
/// <param name="Nodes">The nodes, in document order (the order breaks ties in the evaluation order).</param>
/// <param name="Edges">The edges.</param>
public sealed record Graph(IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges);

/// <summary>A fault that keeps a graph from running, naming the node and port when there is one.</summary>
/// <param name="NodeId">The node at fault, if any.</param>
/// <param name="Port">The port (or parameter) at fault, if any.</param>
/// <param name="Message">A sentence for the person who built the patch.</param>
public sealed record GraphError(string? NodeId, string? Port, string Message)
{
    /// <summary>Where the fault is, as a key for a problem's <c>errors</c>: <c>nodes.ID.PORT</c>, <c>nodes.ID</c> or <c>graph</c>.</summary>
    public string Path => NodeId is null ? "graph" : Port is null ? $"nodes.{NodeId}" : $"nodes.{NodeId}.{Port}";
}
