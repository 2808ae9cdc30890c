using System.Text.Json;
using Atelier.Graph;
using static Atelier.Tests.Graph.G;

namespace Atelier.Tests.Graph;

/// <summary>The compiler: evaluation order, cycles, type errors, browser nodes left out.</summary>
public sealed class GraphCompilerTests
{
    [Fact]
    public void Order_PutsEveryNodeAfterItsInputs_WhateverTheDocumentOrder()
    {
        var graph = Compile(
            [N("log", "core.logger"), N("sum", "core.math"), N("b", "core.constant"), N("a", "core.constant"), N("twice", "core.math", ("op", "multiply"))],
            E("sum.out", "twice.a"), E("a.out", "sum.a"), E("b.out", "sum.b"), E("twice.out", "log.in"), E("a.out", "twice.b"));

        graph.Order.ShouldBe(["b", "a", "sum", "twice", "log"]);
    }

    [Fact]
    public void ACycleWithoutHold_IsRefused_NamingTheLoop()
    {
        var errors = Errors([N("c", "core.constant"), N("x", "core.math"), N("y", "core.math"), N("z", "core.math"), N("log", "core.logger")],
            E("c.out", "x.a"), E("x.out", "y.a"), E("y.out", "z.a"), E("z.out", "x.b"), E("z.out", "log.in"));

        var error = errors.ShouldHaveSingleItem();
        error.Message.ShouldContain("cycle");
        error.Message.ShouldContain("x → y → z → x");
        error.Message.ShouldContain("Delay (value)");
    }

    [Fact]
    public void ANodeFeedingItself_IsACycle()
    {
        var error = Errors([N("m", "core.math")], E("m.out", "m.a")).ShouldHaveSingleItem();
        error.Message.ShouldContain("m → m");
        error.Path.ShouldBe("nodes.m");
    }

    [Fact]
    public void ACycleThroughHold_IsAllowed_AndCountsUpOneStepBehind()
    {
        // counter = hold + 1; hold takes counter's value for the next step.
        var eval = new GraphEvaluator(Compile([N("count", "core.math", ("b", 1)), N("hold", "core.hold", ("initial", 10))],
            E("hold.out", "count.a"), E("count.out", "hold.in")));

        var seen = new List<(double Hold, double Count)>();
        for (var i = 0; i < 4; i++)
        {
            eval.Step(TimeSpan.FromSeconds(i));
            seen.Add((eval.Output("hold").Number, eval.Output("count").Number));
        }

        seen.ShouldBe([(10, 11), (11, 12), (12, 13), (13, 14)]);
    }

    [Fact]
    public void TypeErrors_NameTheNodesAndPorts()
    {
        var errors = Errors([N("clk", "core.clock"), N("m", "core.math"), N("c", "core.constant"), N("d", "core.constant")],
            E("clk.out", "m.a"), E("c.out", "m.b"), E("d.out", "m.b"), E("c.nope", "m.a"), E("c.out", "m.zz"), E("ghost.out", "m.a"));

        errors.Select(e => e.Message).ShouldBe([
            "trigger output 'clk.out' cannot feed control input 'm.a'.",
            "Input 'm.b' already takes 'c.out'; an input takes one edge.",
            "core.constant node 'c' has no output 'nope'.",
            "core.math node 'm' has no input 'zz'.",
            "The edge ghost.out → m.a comes from a node 'ghost' that does not exist.",
        ]);
        errors[0].Path.ShouldBe("nodes.m.a");
    }

    [Fact]
    public void ParameterFaults_AreReported()
    {
        var errors = Errors([N("m", "core.math", ("op", "sqrt")), N("c", "core.constant", ("value", "ten")), N("k", "core.clock", ("bpm", 1000)),
            N("o", "core.osc-out", ("address", "no slash"), ("port", 80.5))]);

        errors.Select(e => e.Path).ShouldBe(["nodes.m.op", "nodes.c.value", "nodes.k.bpm", "nodes.o.address", "nodes.o.port"], ignoreOrder: true);
        errors.First(e => e.Path == "nodes.m.op").Message.ShouldContain("must be one of add, subtract");
        errors.First(e => e.Path == "nodes.o.address").Message.ShouldContain("must start with '/'");
    }

    [Fact]
    public void BrowserNodes_AreLeftOut_WithTheirEdges()
    {
        var graph = Compile([N("osc", "core.oscillator"), N("c", "core.constant"), N("gain", "core.gain"), N("log", "core.logger")],
            E("osc.out", "gain.in"), E("c.out", "gain.gain"), E("c.out", "log.in"));

        graph.Order.ShouldBe(["c", "log"]);
        graph.Ignored.ShouldBe(["osc", "gain"]);
    }

    [Fact]
    public void DuplicateIds_AreRefused()
    {
        Errors([N("a", "core.constant"), N("a", "core.math")]).ShouldHaveSingleItem().Message.ShouldContain("Two nodes are named 'a'");
    }

    [Fact]
    public void TheServerNodeTypes_MatchTheCorePackManifest()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "../../../../../src/Atelier/Features/Studio/Packs/core/pack.json");
        using var pack = JsonDocument.Parse(File.ReadAllText(path));
        var manifest = pack.RootElement.GetProperty("nodes").EnumerateArray()
            .Where(n => n.GetProperty("runtime").GetString() is "server" or "both")
            .ToDictionary(n => n.GetProperty("type").GetString()!);

        manifest.Keys.ShouldBe(ServerNodes.All.Keys, ignoreOrder: true);
        foreach (var (id, type) in ServerNodes.All)
        {
            var node = manifest[id];
            static string Ports(JsonElement ps) => string.Join(",", ps.EnumerateArray().Select(p => p.GetProperty("id").GetString() + ":" + p.GetProperty("type").GetString()));
            Ports(node.GetProperty("inputs")).ShouldBe(string.Join(",", type.Inputs.Select(p => p.Id + ":" + p.Type.ToString().ToLowerInvariant())), id);
            Ports(node.GetProperty("outputs")).ShouldBe(string.Join(",", type.Outputs.Select(p => p.Id + ":" + p.Type.ToString().ToLowerInvariant())), id);
            var ps = node.GetProperty("params").EnumerateArray().ToList();
            ps.Select(p => p.GetProperty("id").GetString()).ShouldBe(type.Params.Select(p => p.Id), id);
            foreach (var (json, spec) in ps.Zip(type.Params))
            {
                var d = json.GetProperty("default");
                var expected = d.ValueKind switch
                {
                    JsonValueKind.Number => Value.Of(d.GetDouble()),
                    JsonValueKind.True => Value.Of(true),
                    JsonValueKind.False => Value.Of(false),
                    _ => Value.Of(d.GetString()!),
                };
                spec.Default.ShouldBe(expected, $"{id}.{spec.Id}");
                if (json.TryGetProperty("options", out var options))
                {
                    spec.Options.ShouldBe(options.EnumerateArray().Select(o => o.GetString()!), $"{id}.{spec.Id}");
                }
                if (json.TryGetProperty("min", out var min))
                {
                    (spec.Min, spec.Max).ShouldBe((min.GetDouble(), json.GetProperty("max").GetDouble()), $"{id}.{spec.Id}");
                }
            }
        }
    }
}
