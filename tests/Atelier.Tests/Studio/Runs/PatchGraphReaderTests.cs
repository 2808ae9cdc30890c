using System.Text.RegularExpressions;
using Atelier.Features.Studio.Runs;
using Atelier.Graph;

namespace Atelier.Tests.Studio.Runs;

/// <summary>Reading stored patch documents into the engine's flat graph.</summary>
public sealed class PatchGraphReaderTests
{
    private const string Module = """
        { "id": "inner", "name": "Inner", "nodes": [ { "id": "m", "type": "core.math", "x": 0, "y": 0, "params": { "op": "add", "b": 1 } } ], "edges": [],
          "inputs": [ { "id": "in", "name": "In", "node": "m", "port": "a" } ], "outputs": [ { "id": "out", "name": "Out", "node": "m", "port": "out" } ] }
        """;

    [Fact]
    public void NestedModules_AreFlattened_AndWiredThroughTheirPorts()
    {
        var doc = $$"""
            { "format": "atelier.patch", "version": 1,
              "nodes": [ { "id": "c", "type": "core.constant", "x": 0, "y": 0, "params": { "value": 1 } },
                         { "id": "o", "type": "module", "module": "outer", "x": 0, "y": 0 },
                         { "id": "log", "type": "core.logger", "x": 0, "y": 0 } ],
              "edges": [ { "id": "1", "from": { "node": "c", "port": "out" }, "to": { "node": "o", "port": "in" } },
                         { "id": "2", "from": { "node": "o", "port": "out" }, "to": { "node": "log", "port": "in" } } ],
              "modules": [ {{Module}},
                { "id": "outer", "name": "Outer", "edges": [ { "id": "3", "from": { "node": "a", "port": "out" }, "to": { "node": "b", "port": "in" } } ],
                  "nodes": [ { "id": "a", "type": "module", "module": "inner", "x": 0, "y": 0 }, { "id": "b", "type": "module", "module": "inner", "x": 0, "y": 0 } ],
                  "inputs": [ { "id": "in", "name": "In", "node": "a", "port": "in" } ], "outputs": [ { "id": "out", "name": "Out", "node": "b", "port": "out" } ] } ] }
            """;

        var (graph, errors) = PatchGraphReader.Read(doc);

        errors.ShouldBeEmpty();
        graph!.Nodes.Select(n => n.Id).ShouldBe(["c", "o/a/m", "o/b/m", "log"]);
        graph.Edges.Select(e => e.ToString()).ShouldBe(["o/a/m.out → o/b/m.a", "c.out → o/a/m.a", "o/b/m.out → log.in"]);
        var eval = new GraphEvaluator(GraphCompiler.Compile(graph).Graph!);
        eval.Step(TimeSpan.Zero).Logs.ShouldHaveSingleItem().Message.ShouldBe("3");
    }

    [Theory]
    [InlineData("""{ "id": "x", "type": "module", "module": "nope", "x": 0, "y": 0 }""", "[]", "uses a module 'nope' that the patch does not define")]
    [InlineData("""{ "id": "x", "type": "module", "module": "self", "x": 0, "y": 0 }""",
        """[ { "id": "self", "name": "S", "nodes": [ { "id": "y", "type": "module", "module": "self", "x": 0, "y": 0 } ], "edges": [], "inputs": [], "outputs": [] } ]""",
        "Module 'self' contains itself (through self → self)")]
    public void BadModules_AreReported(string node, string modules, string message)
    {
        var (graph, errors) = PatchGraphReader.Read($$"""{ "format": "atelier.patch", "version": 1, "nodes": [ {{node}} ], "edges": [], "modules": {{modules}} }""");
        graph.ShouldBeNull();
        errors.ShouldHaveSingleItem().Message.ShouldContain(message);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "not an Atelier patch")]
    [InlineData("""{ "format": "atelier.patch", "version": 7 }""", "version 7 is not supported")]
    public void NotAPatch_IsReported(string document, string message) =>
        PatchGraphReader.Read(document).Errors.ShouldHaveSingleItem().Message.ShouldContain(message);

    [Fact]
    public void TheExampleInStudioDawDocs_RunsAndRamps()
    {
        var docs = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "../../../../../docs/studio-daw.md"));
        var json = Regex.Match(docs, "```json\n(\\{\\s*\"format\".*?)```", RegexOptions.Singleline).Groups[1].Value;
        var (graph, errors) = PatchGraphReader.Read(json);
        errors.ShouldBeEmpty();
        var eval = new GraphEvaluator(GraphCompiler.Compile(graph!).Graph!);

        var sent = Enumerable.Range(0, 3).SelectMany(i => eval.Step(TimeSpan.FromSeconds(i * 0.5)).Osc).Select(o => $"{o.Address} {o.Value}").ToList();

        sent.ShouldBe(["/atelier/ramp 0", "/atelier/level 0.8", "/atelier/ramp 0.0625", "/atelier/ramp 0.125"]);
    }
}
