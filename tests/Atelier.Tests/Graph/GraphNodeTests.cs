using Atelier.Graph;
using static Atelier.Tests.Graph.G;

namespace Atelier.Tests.Graph;

/// <summary>What every server node does.</summary>
public sealed class GraphNodeTests
{
    [Fact]
    public void Constant_OutputsItsValue_AndDefaultsTo1()
    {
        var (eval, _) = Once([N("c", "core.constant", ("value", -2.5)), N("d", "core.constant")]);
        eval.Output("c").ShouldBe(Value.Of(-2.5));
        eval.Output("d").ShouldBe(Value.Of(1));
    }

    [Theory]
    [InlineData("add", 7, 2, 9)]
    [InlineData("subtract", 7, 2, 5)]
    [InlineData("multiply", 7, 2, 14)]
    [InlineData("divide", 7, 2, 3.5)]
    [InlineData("divide", 7, 0, 0)]
    [InlineData("min", 7, 2, 2)]
    [InlineData("max", 7, 2, 7)]
    [InlineData("power", 2, 10, 1024)]
    [InlineData("modulo", 7, 2, 1)]
    [InlineData("modulo", -7, 2, -1)]
    [InlineData("modulo", 7, 0, 0)]
    [InlineData("power", -8, 0.5, 0)] // NaN becomes 0
    public void Math_AppliesItsOperation(string op, double a, double b, double expected)
    {
        var (eval, _) = Once([N("a", "core.constant", ("value", a)), N("m", "core.math", ("op", op), ("b", b))], E("a.out", "m.a"));
        eval.Output("m").ShouldBe(Value.Of(expected));
    }

    [Fact]
    public void Math_UnconnectedInputs_TakeTheirParameters()
    {
        var (eval, _) = Once([N("m", "core.math", ("op", "subtract"), ("a", 10), ("b", 4))]);
        eval.Output("m").ShouldBe(Value.Of(6));
    }

    [Theory]
    [InlineData(">", 3, 2, 1)]
    [InlineData(">", 2, 2, 0)]
    [InlineData("<", 1, 2, 1)]
    [InlineData(">=", 2, 2, 1)]
    [InlineData("<=", 3, 2, 0)]
    [InlineData("==", 2, 2, 1)]
    [InlineData("!=", 2, 2, 0)]
    public void Compare_Outputs1WhenItHolds(string op, double a, double b, double expected)
    {
        var (eval, _) = Once([N("a", "core.constant", ("value", a)), N("c", "core.compare", ("op", op), ("b", b))], E("a.out", "c.a"));
        eval.Output("c").ShouldBe(Value.Of(expected));
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 9)]
    [InlineData(-3, 9)]
    public void Switch_PassesAWhileSelectIs0_AndBOtherwise(double select, double expected)
    {
        var (eval, _) = Once([N("s", "core.constant", ("value", select)), N("a", "core.constant", ("value", 5)), N("sw", "core.switch", ("b", 9))],
            E("s.out", "sw.select"), E("a.out", "sw.a"));
        eval.Output("sw").ShouldBe(Value.Of(expected));
    }

    [Fact]
    public void Switch_Unconnected_PassesItsAParameter()
    {
        var (eval, _) = Once([N("sw", "core.switch", ("a", 3), ("b", 4))]);
        eval.Output("sw").ShouldBe(Value.Of(3));
    }

    [Fact]
    public void Hold_OutputsItsInitialValue_ThenThePreviousStepsInput()
    {
        var eval = new GraphEvaluator(Compile([N("k", "core.clock", ("bpm", 60)), N("h", "core.hold", ("initial", -1))], E("k.beat", "h.in")));
        var outputs = Enumerable.Range(0, 3).Select(i =>
        {
            eval.Step(TimeSpan.FromSeconds(i));
            return eval.Output("h").Number;
        }).ToList();
        outputs.ShouldBe([-1, 0, 1]);
    }

    [Fact]
    public void Logger_WritesWhenTheValueChanges_AndOnEveryTrigger()
    {
        var eval = new GraphEvaluator(Compile([N("k", "core.clock", ("bpm", 60)), N("half", "core.math", ("op", "divide"), ("b", 2)),
                N("floor", "core.math", ("op", "subtract")), N("mod", "core.math", ("op", "modulo"), ("b", 1)),
                N("values", "core.logger", ("label", "half beat")), N("ticks", "core.logger")],
            E("k.beat", "half.a"), E("half.out", "mod.a"), E("half.out", "floor.a"), E("mod.out", "floor.b"), E("floor.out", "values.in"), E("k.out", "ticks.in")));

        var logs = Enumerable.Range(0, 4).SelectMany(i => eval.Step(TimeSpan.FromSeconds(i)).Logs).Select(l => $"{l.NodeId}={l.Message}").ToList();

        // floor(beat / 2) is 0, 0, 1, 1: logged when it changes; the clock's trigger is logged on every beat.
        logs.ShouldBe(["values=half beat: 0", "ticks=trigger", "ticks=trigger", "values=half beat: 1", "ticks=trigger", "ticks=trigger"]);
    }

    [Fact]
    public void OscOut_RequestsASendWhenTheValueChanges_WithItsTarget()
    {
        var eval = new GraphEvaluator(Compile([N("k", "core.clock", ("bpm", 120)), N("cmp", "core.compare", ("op", ">="), ("b", 2)),
                N("osc", "core.osc-out", ("host", "daw.local"), ("port", 8000), ("address", "/live/play"))],
            E("k.beat", "cmp.a"), E("cmp.out", "osc.in")));

        var sent = Enumerable.Range(0, 5).SelectMany(i => eval.Step(TimeSpan.FromSeconds(i * 0.5)).Osc).ToList();

        sent.Select(s => s.Value.Number).ShouldBe([0, 1]); // beat >= 2 turns true at the third beat, and stays
        sent.ShouldAllBe(s => s.Host == "daw.local" && s.Port == 8000 && s.Address == "/live/play" && s.NodeId == "osc");
    }

    [Fact]
    public void OscOut_FedByAClock_SendsOnEveryTrigger()
    {
        var eval = new GraphEvaluator(Compile([N("k", "core.clock", ("bpm", 120)), N("osc", "core.osc-out")], E("k.out", "osc.in")));
        var sent = Enumerable.Range(0, 3).SelectMany(i => eval.Step(TimeSpan.FromSeconds(i * 0.5)).Osc).ToList();
        sent.Count.ShouldBe(3);
        sent.ShouldAllBe(s => s.Value.Kind == ValueKind.Trigger);
    }

    [Fact]
    public void Clock_TicksEvery60OverBpmSeconds_AndSaysWhenItIsNextDue()
    {
        var eval = new GraphEvaluator(Compile([N("k", "core.clock", ("bpm", 150))]));
        eval.NextDue.ShouldBe(TimeSpan.Zero);

        eval.Step(TimeSpan.Zero);
        eval.Output("k").ShouldBe(Value.Trigger);
        eval.Output("k", "beat").ShouldBe(Value.Of(0));
        eval.NextDue.ShouldBe(TimeSpan.FromSeconds(0.4));

        eval.Step(TimeSpan.FromSeconds(0.2)); // another node's step: no beat
        eval.Output("k").ShouldBe(Value.Nothing);
        eval.Output("k", "beat").ShouldBe(Value.Of(0));

        eval.Step(TimeSpan.FromSeconds(0.4));
        eval.Output("k").ShouldBe(Value.Trigger);
        eval.Output("k", "beat").ShouldBe(Value.Of(1));
        eval.NextDue.ShouldBe(TimeSpan.FromSeconds(0.8));

        // Woken 1 s late: one beat, not a burst, and the next one back on the grid.
        eval.Step(TimeSpan.FromSeconds(1.85));
        eval.Output("k", "beat").ShouldBe(Value.Of(2));
        eval.NextDue.ShouldBe(TimeSpan.FromSeconds(2.0));
    }

    [Fact]
    public void AStoppedClock_NeverTicks_AndTheGraphRunsOnce()
    {
        var graph = Compile([N("k", "core.clock", ("running", false)), N("log", "core.logger")], E("k.out", "log.in"));
        graph.HasClock.ShouldBeFalse();
        var eval = new GraphEvaluator(graph);
        eval.Step(TimeSpan.Zero).Logs.ShouldBeEmpty();
        eval.NextDue.ShouldBeNull();
    }

    [Fact]
    public void ChangedValues_ReportWhatEachNodeShows_OnlyWhenItChanges()
    {
        var eval = new GraphEvaluator(Compile([N("k", "core.clock", ("bpm", 60)), N("c", "core.constant", ("value", 3)), N("log", "core.logger")],
            E("c.out", "log.in")));

        eval.Step(TimeSpan.Zero).Changed.ShouldBe(new Dictionary<string, Value> { ["k"] = Value.Of(0), ["c"] = Value.Of(3), ["log"] = Value.Of(3) });
        eval.Step(TimeSpan.FromSeconds(1)).Changed.ShouldBe(new Dictionary<string, Value> { ["k"] = Value.Of(1) });
    }
}
