namespace Atelier.Graph;

/// <summary>A port of a node type.</summary>
/// <param name="Id">The port id, unique among the type's inputs (or outputs).</param>
/// <param name="Type">What the port carries.</param>
public sealed record PortSpec(string Id, PortType Type);

/// <summary>What kind of value a parameter takes (the patch format's <c>kind</c>).</summary>
public enum ParamKind
{
    /// <summary>A number within <see cref="ParamSpec.Min"/>…<see cref="ParamSpec.Max"/>.</summary>
    Number,

    /// <summary>A boolean, held as the number 1 or 0.</summary>
    Toggle,

    /// <summary>One of <see cref="ParamSpec.Options"/>, held as text.</summary>
    Choice,

    /// <summary>Free text.</summary>
    Text,
}

/// <summary>A parameter of a node type, with its default (the manifest's, see <c>Packs/core/pack.json</c>).</summary>
/// <param name="Id">The parameter id. An input port with the same id falls back to it when unconnected.</param>
/// <param name="Kind">The kind of value.</param>
/// <param name="Default">The value when the node does not set it.</param>
public sealed record ParamSpec(string Id, ParamKind Kind, Value Default)
{
    /// <summary>The smallest number allowed (numbers only).</summary>
    public double Min { get; init; } = double.MinValue;

    /// <summary>The largest number allowed (numbers only).</summary>
    public double Max { get; init; } = double.MaxValue;

    /// <summary>The allowed values of a choice.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];
}

/// <summary>A node type the server engine can evaluate: its ports and parameters, and how to make an instance.</summary>
public sealed class NodeType
{
    internal NodeType(string type, string name, PortSpec[] inputs, PortSpec[] outputs, ParamSpec[] parameters, Func<NodeBehavior> create)
    {
        Type = type;
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
        Params = parameters;
        Create = create;
    }

    /// <summary>The type id, e.g. <c>core.math</c>.</summary>
    public string Type { get; }

    /// <summary>The name people see, e.g. "Delay (value)".</summary>
    public string Name { get; }

    /// <summary>The input ports, in manifest order.</summary>
    public IReadOnlyList<PortSpec> Inputs { get; }

    /// <summary>The output ports, in manifest order.</summary>
    public IReadOnlyList<PortSpec> Outputs { get; }

    /// <summary>The parameters, in manifest order.</summary>
    public IReadOnlyList<ParamSpec> Params { get; }

    /// <summary>True for <c>core.hold</c>: its output is its input of the previous step, so a loop through it is allowed.</summary>
    public bool BreaksCycles { get; init; }

    internal Func<NodeBehavior> Create { get; }

    internal int InputIndex(string id) => IndexOf(Inputs, id);

    internal int OutputIndex(string id) => IndexOf(Outputs, id);

    private static int IndexOf(IReadOnlyList<PortSpec> ports, string id)
    {
        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i].Id == id)
            {
                return i;
            }
        }
        return -1;
    }
}

/// <summary>
/// The node types the server engine evaluates: <c>core.constant</c>, <c>core.math</c>, <c>core.compare</c>,
/// <c>core.switch</c>, <c>core.hold</c>, <c>core.clock</c>, <c>core.logger</c> and <c>core.osc-out</c>. Their ports and
/// parameters mirror the core pack manifest (a test keeps the two in step). Any other type in a patch runs in the
/// browser only and is left out of a server run.
/// </summary>
public static class ServerNodes
{
    /// <summary>The operations of <c>core.math</c>.</summary>
    public static readonly IReadOnlyList<string> MathOps = ["add", "subtract", "multiply", "divide", "min", "max", "power", "modulo"];

    /// <summary>The comparisons of <c>core.compare</c>.</summary>
    public static readonly IReadOnlyList<string> CompareOps = [">", "<", ">=", "<=", "==", "!="];

    private const double Big = 100000;

    private static readonly PortSpec ControlOut = new("out", PortType.Control);

    private static ParamSpec Num(string id, double value, double min = -Big, double max = Big) => new(id, ParamKind.Number, Value.Of(value)) { Min = min, Max = max };

    /// <summary>Every server node type by type id.</summary>
    public static IReadOnlyDictionary<string, NodeType> All { get; } = new NodeType[]
    {
        new("core.constant", "Constant", [], [ControlOut], [Num("value", 1)], () => new ConstantNode()),
        new("core.math", "Math", [new("a", PortType.Control), new("b", PortType.Control)], [ControlOut],
            [new("op", ParamKind.Choice, Value.Of("add")) { Options = MathOps }, Num("a", 0), Num("b", 0)], () => new MathNode()),
        new("core.compare", "Compare", [new("a", PortType.Control), new("b", PortType.Control)], [ControlOut],
            [new("op", ParamKind.Choice, Value.Of(">")) { Options = CompareOps }, Num("a", 0), Num("b", 0)], () => new CompareNode()),
        new("core.switch", "Switch", [new("select", PortType.Control), new("a", PortType.Control), new("b", PortType.Control)], [ControlOut],
            [Num("a", 0), Num("b", 1)], () => new SwitchNode()),
        new("core.hold", "Delay (value)", [new("in", PortType.Control)], [ControlOut], [Num("initial", 0)], () => new HoldNode()) { BreaksCycles = true },
        new("core.clock", "Clock", [], [new("out", PortType.Trigger), new("beat", PortType.Control)],
            [Num("bpm", 120, 20, 300), new("running", ParamKind.Toggle, Value.Of(true))], () => new ClockNode()),
        new("core.logger", "Logger", [new("in", PortType.Any)], [], [new("label", ParamKind.Text, Value.Of(""))], () => new LoggerNode()),
        new("core.osc-out", "OSC out", [new("in", PortType.Any)], [],
            [new("host", ParamKind.Text, Value.Of("127.0.0.1")), Num("port", 9000, 1, 65535), new("address", ParamKind.Text, Value.Of("/atelier/value"))],
            () => new OscOutNode()),
    }.ToDictionary(t => t.Type, StringComparer.Ordinal);

    /// <summary>
    /// Whether an output of type <paramref name="from"/> may feed an input of type <paramref name="to"/> (the patch
    /// format's rule): equal types, audio into control, or any non-audio output into an <c>any</c> input.
    /// </summary>
    public static bool CanConnect(PortType from, PortType to) =>
        from == to || (from == PortType.Audio && to == PortType.Control) || (to == PortType.Any && from != PortType.Audio);
}
