namespace Atelier.Graph;

/// <summary>The behaviour of one node instance: evaluated once per step, in topological order.</summary>
internal abstract class NodeBehavior
{
    /// <summary>Reads inputs and parameters, sets outputs, produces effects.</summary>
    public abstract void Evaluate(NodeContext node);

    /// <summary>Runs after every node of the step was evaluated (the hold node stores its input here).</summary>
    public virtual void EndStep(NodeContext node)
    {
    }

    /// <summary>When this node next needs a step (clocks), measured from the start of the run; null when never.</summary>
    public virtual TimeSpan? NextDue => null;
}

internal sealed class ConstantNode : NodeBehavior
{
    public override void Evaluate(NodeContext node) => node.SetOutput(0, node.Param(0));
}

internal sealed class MathNode : NodeBehavior
{
    public override void Evaluate(NodeContext node)
    {
        var a = node.Input(0).AsNumber();
        var b = node.Input(1).AsNumber();
        // Division and remainder by zero give 0 rather than an infinity or NaN that OSC receivers and JSON choke on.
        var result = node.Param(0).Text switch
        {
            "subtract" => a - b,
            "multiply" => a * b,
            "divide" => b == 0 ? 0 : a / b,
            "min" => Math.Min(a, b),
            "max" => Math.Max(a, b),
            "power" => Math.Pow(a, b),
            "modulo" => b == 0 ? 0 : a % b,
            _ => a + b,
        };
        node.SetOutput(0, Value.Of(result));
    }
}

internal sealed class CompareNode : NodeBehavior
{
    public override void Evaluate(NodeContext node)
    {
        var a = node.Input(0).AsNumber();
        var b = node.Input(1).AsNumber();
        var holds = node.Param(0).Text switch
        {
            "<" => a < b,
            ">=" => a >= b,
            "<=" => a <= b,
            "==" => a == b,
            "!=" => a != b,
            _ => a > b,
        };
        node.SetOutput(0, Value.Of(holds));
    }
}

internal sealed class SwitchNode : NodeBehavior
{
    public override void Evaluate(NodeContext node) =>
        node.SetOutput(0, node.Input(0).AsNumber() == 0 ? Value.Of(node.Input(1).AsNumber()) : Value.Of(node.Input(2).AsNumber()));
}

/// <summary>Outputs in step n what its input was in step n−1 (its initial value in the first step).</summary>
internal sealed class HoldNode : NodeBehavior
{
    private Value? _held;

    public override void Evaluate(NodeContext node) => node.SetOutput(0, _held ?? node.Param(0));

    public override void EndStep(NodeContext node)
    {
        if (node.Input(0) is { IsNumber: true } value)
        {
            _held = value;
        }
    }
}

/// <summary>
/// Fires a trigger on every beat, the first at the start of the run, and outputs the beat's number (0, 1, 2, …) on
/// <c>beat</c>. Beat n is due at n × 60/bpm s; when the host wakes up late it fires once and skips the beats it missed
/// rather than bursting.
/// </summary>
internal sealed class ClockNode : NodeBehavior
{
    private long _periodTicks;
    private long _nextBeat;
    private long _beat = -1;
    private bool _running;

    public override void Evaluate(NodeContext node)
    {
        if (_periodTicks == 0)
        {
            _periodTicks = Math.Max(1, (long)Math.Round(60.0 / node.Param(0).AsNumber(120) * TimeSpan.TicksPerSecond));
            _running = node.Param(1).AsNumber(1) != 0;
        }
        if (_running && node.Elapsed.Ticks >= _nextBeat * _periodTicks)
        {
            _beat = _nextBeat;
            _nextBeat = node.Elapsed.Ticks / _periodTicks + 1;
            node.SetOutput(0, Value.Trigger);
        }
        else
        {
            node.SetOutput(0, Value.Nothing);
        }
        node.SetOutput(1, Value.Of(Math.Max(_beat, 0)));
    }

    public override TimeSpan? NextDue => _running ? TimeSpan.FromTicks(_nextBeat * _periodTicks) : _periodTicks == 0 ? TimeSpan.Zero : null;
}

/// <summary>Shared by the sinks: a value is passed on when it differs from the last one, a trigger every time it fires.</summary>
internal abstract class OnChangeNode : NodeBehavior
{
    private Value _last;

    public sealed override void Evaluate(NodeContext node)
    {
        var value = node.Input(0);
        if (value.Kind == ValueKind.Trigger || (value.Kind != ValueKind.Nothing && value != _last))
        {
            Emit(node, value);
        }
        if (value.Kind != ValueKind.Nothing)
        {
            _last = value;
        }
    }

    protected abstract void Emit(NodeContext node, Value value);
}

internal sealed class LoggerNode : OnChangeNode
{
    protected override void Emit(NodeContext node, Value value) => node.Log(node.Param(0).Text ?? "", value);
}

internal sealed class OscOutNode : OnChangeNode
{
    protected override void Emit(NodeContext node, Value value) =>
        node.Send(node.Param(0).Text ?? "", (int)node.Param(1).AsNumber(), node.Param(2).Text ?? "", value);
}
