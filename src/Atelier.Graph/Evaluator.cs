namespace Atelier.Graph;

/// <summary>A logger node wrote a line.</summary>
/// <param name="NodeId">The logger node.</param>
/// <param name="Label">Its label parameter (may be empty).</param>
/// <param name="Value">The value that reached it.</param>
public sealed record LogEntry(string NodeId, string Label, Value Value)
{
    /// <summary>"label: value", or just the value without a label.</summary>
    public string Message => Label.Length > 0 ? $"{Label}: {Value}" : Value.ToString();
}

/// <summary>An OSC out node wants a message sent; the host decides whether the target is allowed and sends it.</summary>
/// <param name="NodeId">The OSC out node.</param>
/// <param name="Host">The target host name or address.</param>
/// <param name="Port">The target UDP port.</param>
/// <param name="Address">The OSC address, e.g. <c>/atelier/value</c>.</param>
/// <param name="Value">The value to send (a number as <c>f</c>, text as <c>s</c>, a trigger as <c>T</c>).</param>
public sealed record OscRequest(string NodeId, string Host, int Port, string Address, Value Value)
{
    /// <summary>The message to send (see <see cref="Osc.OscMessage.FromValue"/>).</summary>
    public Osc.OscMessage ToMessage() => Osc.OscMessage.FromValue(Address, Value);
}

/// <summary>What one step produced.</summary>
/// <param name="Step">The step's number, from 1.</param>
/// <param name="Elapsed">The run time the step was evaluated at.</param>
/// <param name="Logs">Lines the loggers wrote, in evaluation order.</param>
/// <param name="Osc">Messages the OSC out nodes want sent, in evaluation order.</param>
/// <param name="Changed">Each node whose shown value changed in this step (see <see cref="GraphEvaluator.ShownValue"/>), with the new value.</param>
public sealed record StepResult(int Step, TimeSpan Elapsed, IReadOnlyList<LogEntry> Logs, IReadOnlyList<OscRequest> Osc,
    IReadOnlyDictionary<string, Value> Changed);

/// <summary>What a node sees while it is evaluated: its inputs, parameters, outputs, the time, and where effects go.</summary>
internal sealed class NodeContext(GraphEvaluator evaluator)
{
    public CompiledNode Node { get; set; } = null!;
    public int Index { get; set; }
    public TimeSpan Elapsed { get; set; }
    public List<LogEntry> Logs { get; } = [];
    public List<OscRequest> Osc { get; } = [];

    /// <summary>The value on an input: the feeding output's, else the parameter of the same id, else nothing.</summary>
    public Value Input(int input)
    {
        var (node, port) = Node.Sources[input];
        if (node >= 0)
        {
            return evaluator.Outputs[node][port];
        }
        var param = Node.InputParams[input];
        return param >= 0 ? Node.Params[param] : Value.Nothing;
    }

    public Value Param(int index) => Node.Params[index];

    public void SetOutput(int output, Value value) => evaluator.Outputs[Index][output] = value;

    public void Log(string label, Value value) => Logs.Add(new LogEntry(Node.Id, label, value));

    public void Send(string host, int port, string address, Value value) => Osc.Add(new OscRequest(Node.Id, host, port, address, value));
}

/// <summary>
/// Runs a <see cref="CompiledGraph"/> one step at a time: a step evaluates every node once, in order, then lets the
/// hold nodes take their inputs for the next step. Time is whatever the caller passes, so tests need no clock.
/// One evaluator is one run: nodes keep state (held values, clock beats, the last value a logger saw). Not thread-safe.
/// </summary>
public sealed class GraphEvaluator
{
    private readonly CompiledGraph _graph;
    private readonly NodeBehavior[] _behaviors;
    private readonly NodeContext _context;
    private readonly Dictionary<string, Value> _shown = new(StringComparer.Ordinal);

    /// <summary>Makes fresh node instances for a run of <paramref name="graph"/>.</summary>
    public GraphEvaluator(CompiledGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        _graph = graph;
        _behaviors = [.. graph.Nodes.Select(n => n.Type.Create())];
        Outputs = [.. graph.Nodes.Select(n => new Value[n.Type.Outputs.Count])];
        _context = new NodeContext(this);
    }

    internal Value[][] Outputs { get; }

    /// <summary>How many steps ran.</summary>
    public int Steps { get; private set; }

    /// <summary>
    /// When the next step is due (a clock's next beat), from the start of the run; null when no running clock wants
    /// one, in which case the graph has nothing more to do after its first step.
    /// </summary>
    public TimeSpan? NextDue
    {
        get
        {
            TimeSpan? next = null;
            foreach (var behavior in _behaviors)
            {
                if (behavior.NextDue is { } due && (next is null || due < next))
                {
                    next = due;
                }
            }
            return next;
        }
    }

    /// <summary>Evaluates every node once at run time <paramref name="elapsed"/>.</summary>
    public StepResult Step(TimeSpan elapsed)
    {
        Steps++;
        _context.Elapsed = elapsed;
        _context.Logs.Clear();
        _context.Osc.Clear();
        foreach (var i in _graph.OrderIndexes)
        {
            _context.Node = _graph.Nodes[i];
            _context.Index = i;
            _behaviors[i].Evaluate(_context);
        }
        foreach (var i in _graph.OrderIndexes)
        {
            _context.Node = _graph.Nodes[i];
            _context.Index = i;
            _behaviors[i].EndStep(_context);
        }
        var changed = new Dictionary<string, Value>(StringComparer.Ordinal);
        foreach (var node in _graph.Nodes)
        {
            var value = ShownValue(node.Id);
            if (value.Kind != ValueKind.Nothing && (!_shown.TryGetValue(node.Id, out var before) || before != value))
            {
                _shown[node.Id] = value;
                changed[node.Id] = value;
            }
        }
        return new StepResult(Steps, elapsed, [.. _context.Logs], [.. _context.Osc], changed);
    }

    /// <summary>The value on an output port after the last step (nothing before the first, or for a trigger that did not fire).</summary>
    public Value Output(string nodeId, string port = "out")
    {
        var i = IndexOf(nodeId);
        var output = _graph.Nodes[i].Type.OutputIndex(port);
        return output < 0 ? throw new ArgumentException($"Node '{nodeId}' has no output '{port}'.", nameof(port)) : Outputs[i][output];
    }

    /// <summary>
    /// The value the editor shows on a node: its first control output (a clock shows its beat), or for a node without
    /// outputs (logger, OSC out) the value on its input.
    /// </summary>
    public Value ShownValue(string nodeId)
    {
        var i = IndexOf(nodeId);
        var node = _graph.Nodes[i];
        for (var o = 0; o < node.Type.Outputs.Count; o++)
        {
            if (node.Type.Outputs[o].Type == PortType.Control)
            {
                return Outputs[i][o];
            }
        }
        if (node.Type.Inputs.Count == 0)
        {
            return Value.Nothing;
        }
        _context.Node = node;
        _context.Index = i;
        return _context.Input(0) is { Kind: not ValueKind.Trigger } value ? value : Value.Nothing;
    }

    private int IndexOf(string nodeId)
    {
        for (var i = 0; i < _graph.Nodes.Length; i++)
        {
            if (_graph.Nodes[i].Id == nodeId)
            {
                return i;
            }
        }
        throw new ArgumentException($"No evaluated node '{nodeId}'.", nameof(nodeId));
    }
}
