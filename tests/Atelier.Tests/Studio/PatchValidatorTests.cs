using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Atelier.Features.Studio;

namespace Atelier.Tests.Studio;

/// <summary>Every rule of docs/patch-format.md "Validation", each fault named by its JSON path.</summary>
public sealed class PatchValidatorTests : IDisposable
{
    private readonly TestPlugins _plugins = new();
    private readonly PatchValidator _validator;

    public PatchValidatorTests() => _validator = new PatchValidator(StudioApps.Registry(_plugins.Path));

    public void Dispose() => _plugins.Dispose();

    private PatchCheck Check(JsonNode doc) => _validator.Validate(Encoding.UTF8.GetBytes(doc.ToJsonString()));

    /// <summary>The faults as "path: message" lines, asserting there is at least one.</summary>
    private List<string> Faults(JsonNode doc)
    {
        var check = Check(doc);
        check.IsValid.ShouldBeFalse("the document should have been refused");
        return [.. check.Errors.SelectMany(e => e.Value)];
    }

    private static JsonObject Node(string id, string type, object? @params = null)
    {
        var node = new JsonObject { ["id"] = id, ["type"] = type, ["x"] = 0, ["y"] = 0 };
        if (@params is not null)
        {
            node["params"] = JsonSerializer.SerializeToNode(@params);
        }
        return node;
    }

    private static JsonObject Edge(string id, string from, string to) => new()
    {
        ["id"] = id,
        ["from"] = StudioApps.Ref(from.Split('.')[0], from.Split('.')[1]),
        ["to"] = StudioApps.Ref(to.Split('.')[0], to.Split('.')[1]),
    };

    private static JsonObject Doc(JsonArray nodes, JsonArray? edges = null) =>
        new() { ["format"] = "atelier.patch", ["version"] = 1, ["nodes"] = nodes, ["edges"] = edges ?? [] };

    [Fact]
    public void TheDocumentationsExample_IsValid()
    {
        var check = _validator.Validate(Encoding.UTF8.GetBytes(StudioApps.DocExample()));
        check.Errors.ShouldBeEmpty();
        check.NodeCount.ShouldBe(4);
    }

    [Fact]
    public void NotJson_NotAnObject_WrongFormat_NewerVersion_AreRefused()
    {
        _validator.Validate("{ nope"u8).Errors["document"][0].ShouldContain("not valid JSON");
        Faults(new JsonArray()).ShouldHaveSingleItem().ShouldContain("must be a JSON object");
        Faults(new JsonObject { ["format"] = "something.else", ["version"] = 1 }).ShouldHaveSingleItem().ShouldStartWith("format: must be \"atelier.patch\"");
        var newer = Faults(new JsonObject { ["format"] = "atelier.patch", ["version"] = 2, ["nodes"] = new JsonArray(), ["edges"] = new JsonArray() });
        newer.ShouldHaveSingleItem().ShouldContain("version 2 is newer");
        Faults(new JsonObject { ["format"] = "atelier.patch", ["version"] = "1" }).ShouldHaveSingleItem().ShouldStartWith("version:");
        Faults(new JsonObject { ["format"] = "atelier.patch", ["version"] = 1 }).ShouldBe(
            ["nodes: is required: an array (empty when there are none).", "edges: is required: an array (empty when there are none)."], ignoreOrder: true);
    }

    [Fact]
    public void Limits_TooManyNodesCountingModules_AndOverOneMegabyte()
    {
        var doc = StudioApps.Large(1990);
        Check(doc).IsValid.ShouldBeTrue();
        doc["modules"] = new JsonArray(new JsonObject
        {
            ["id"] = "m", ["name"] = "M", ["edges"] = new JsonArray(),
            ["nodes"] = new JsonArray([.. Enumerable.Range(0, 11).Select(i => (JsonNode)Node($"k{i}", "core.constant"))]),
        });
        Faults(doc).ShouldHaveSingleItem().ShouldBe("nodes: 2001 nodes (modules included) is over the limit of 2000.");

        var big = Doc([Node("t", "core.strudel", new { code = new string('x', 19000) })]);
        for (var i = 0; i < 60; i++)
        {
            ((JsonArray)big["nodes"]!).Add(Node($"t{i}", "core.strudel", new { code = new string('x', 19000) }));
        }
        Faults(big).ShouldHaveSingleItem().ShouldContain("over the limit of 1048576 bytes");
    }

    [Fact]
    public void Nodes_WithoutId_DuplicateId_UnknownType_AreNamedByPath()
    {
        var faults = Faults(Doc([
            new JsonObject { ["type"] = "core.gain", ["x"] = 0, ["y"] = 0 },
            Node("a", "core.gain"),
            Node("a", "core.gain"),
            Node("b", "core.oscilator"),
            Node("bad id!", "core.gain"),
        ]));
        faults.ShouldContain(f => f.StartsWith("nodes[0].id: an id is required", StringComparison.Ordinal));
        faults.ShouldContain("nodes[2].id: the node id 'a' is used twice in this graph.");
        faults.ShouldContain("nodes[3].type: Unknown node type 'core.oscilator'.");
        faults.ShouldContain(f => f.StartsWith("nodes[4].id: 'bad id!' is not a valid id", StringComparison.Ordinal));
        faults.Count.ShouldBe(4);
    }

    [Fact]
    public void Params_Unknown_WrongKind_OutOfRange_NotAnOption_TooLong_AreRefused()
    {
        var faults = Faults(Doc([
            Node("o", "core.oscillator", new { frequency = 25000, waveform = "saw", volume = 1 }),
            Node("f", "core.filter", new { cutoff = "high", q = 0 }),
            Node("s", "core.sampler", new { loop = "yes" }),
            Node("l", "core.logger", new { label = new string('x', 101) }),
            Node("b", "example.bitcrusher", new { bits = 17 }),
        ]));
        faults.ShouldBe([
            "nodes[0].params.frequency: 25000 is above the maximum 20000 Hz of core.oscillator.frequency.",
            "nodes[0].params.waveform: 'saw' is not one of the options of core.oscillator.waveform (sine, square, sawtooth, triangle).",
            "nodes[0].params.volume: core.oscillator has no parameter 'volume'.",
            "nodes[1].params.cutoff: core.filter.cutoff takes a number, not a string.",
            "nodes[1].params.q: 0 is below the minimum 0.0001 Q of core.filter.q.",
            "nodes[2].params.loop: core.sampler.loop is a toggle: true or false, not a string.",
            "nodes[3].params.label: 101 characters is over the maximum length 100 of core.logger.label.",
            "nodes[4].params.bits: 17 is above the maximum 16 bit of example.bitcrusher.bits.",
        ], ignoreOrder: true);
    }

    [Fact]
    public void Edges_Dangling_Backwards_Incompatible_AndASecondEdgeIntoANonAudioInput()
    {
        var faults = Faults(Doc(
            [Node("osc", "core.oscillator"), Node("env", "core.envelope"), Node("lfo", "core.lfo"), Node("k", "core.constant"), Node("out", "core.output")],
            [
                Edge("e1", "ghost.out", "out.in"),
                Edge("e2", "osc.nope", "out.in"),
                Edge("e3", "out.in", "env.in"),
                Edge("e4", "osc.out", "env.out"),
                Edge("e5", "osc.out", "env.gate"),
                Edge("e6", "lfo.out", "osc.frequency"),
                Edge("e7", "k.out", "osc.frequency"),
            ]));
        faults.ShouldBe([
            "edges[0].from.node: there is no node 'ghost' in this graph (a dangling edge).",
            "edges[1].from.port: 'osc' has no output 'nope' (a dangling edge).",
            "edges[2].from.port: 'out.in' is an input; an edge goes from an output to an input.",
            "edges[3].to.port: 'env.out' is an output; an edge goes from an output to an input.",
            "edges[4]: audio output 'osc.out' cannot feed trigger input 'env.gate'.",
            "edges[6]: control input 'osc.frequency' already has an edge; only audio inputs take more than one.",
        ], ignoreOrder: true);
    }

    [Fact]
    public void Edges_AudioSums_AudioModulatesControl_AnyTakesAllButAudio()
    {
        var ok = Doc(
            [Node("a", "core.oscillator"), Node("b", "core.noise"), Node("f", "core.filter"), Node("k", "core.constant"), Node("log", "core.logger"), Node("out", "core.output")],
            [Edge("e1", "a.out", "out.in"), Edge("e2", "b.out", "out.in"), Edge("e3", "a.out", "f.cutoff"), Edge("e4", "k.out", "log.in")]);
        Check(ok).Errors.ShouldBeEmpty();

        var audioIntoAny = Doc([Node("a", "core.oscillator"), Node("log", "core.logger")], [Edge("e1", "a.out", "log.in")]);
        Faults(audioIntoAny).ShouldBe(["edges[0]: audio output 'a.out' cannot feed any input 'log.in'."]);
    }

    private static JsonObject Module(string id, JsonArray nodes, JsonArray? edges = null, JsonArray? inputs = null, JsonArray? outputs = null) => new()
    {
        ["id"] = id, ["name"] = id, ["nodes"] = nodes, ["edges"] = edges ?? [], ["inputs"] = inputs ?? [], ["outputs"] = outputs ?? [],
    };

    private static JsonObject Port(string id, string node, string port) => new() { ["id"] = id, ["name"] = id, ["node"] = node, ["port"] = port };

    private static JsonObject ModuleNode(string id, string module) => new() { ["id"] = id, ["type"] = "module", ["module"] = module, ["x"] = 0, ["y"] = 0 };

    [Fact]
    public void Modules_ExposedPortsCarryTheInnerType_AndEdgesAreCheckedAgainstThem()
    {
        var voice = Module("voice",
            [Node("osc", "core.oscillator"), Node("amp", "core.gain")],
            [Edge("i1", "osc.out", "amp.in")],
            inputs: [Port("pitch", "osc", "frequency")],
            outputs: [Port("out", "amp", "out")]);
        // A module may use another module: the outer one's ports come from the inner module node's ports.
        var stack = Module("stack", [ModuleNode("v", "voice")], outputs: [Port("sound", "v", "out")]);
        var doc = Doc(
            [ModuleNode("s", "stack"), ModuleNode("v2", "voice"), Node("k", "core.constant"), Node("clk", "core.clock"), Node("out", "core.output")],
            [Edge("e1", "s.sound", "out.in"), Edge("e2", "k.out", "v2.pitch"), Edge("e3", "v2.out", "out.in")]);
        doc["modules"] = new JsonArray(stack, voice);
        Check(doc).Errors.ShouldBeEmpty();

        ((JsonArray)doc["edges"]!).Add(Edge("e4", "clk.out", "v2.pitch"));
        ((JsonArray)doc["edges"]!).Add(Edge("e5", "s.sound", "v2.nope"));
        ((JsonArray)doc["nodes"]!).Add(ModuleNode("m", "missing"));
        var faults = Faults(doc);
        faults.ShouldBe([
            "edges[3]: trigger output 'clk.out' cannot feed control input 'v2.pitch'.",
            "edges[4].to.port: 'v2' has no input 'nope' (a dangling edge).",
            "nodes[5].module: there is no module 'missing' in modules.",
        ], ignoreOrder: true);
    }

    [Fact]
    public void Modules_ThatContainThemselves_DirectlyOrThroughOthers_AreRefused()
    {
        var doc = Doc([ModuleNode("a", "a")]);
        doc["modules"] = new JsonArray(
            Module("a", [ModuleNode("inner", "b")]),
            Module("b", [ModuleNode("inner", "a")]),
            Module("self", [ModuleNode("me", "self")]),
            Module("fine", [Node("k", "core.constant")], outputs: [Port("bad", "k", "in"), Port("o", "nobody", "out")]));
        var faults = Faults(doc);
        faults.ShouldContain("modules[0].nodes: module 'a' contains itself (a → b → a).");
        faults.ShouldContain("modules[1].nodes: module 'b' contains itself (b → a → b).");
        faults.ShouldContain("modules[2].nodes: module 'self' contains itself (self → self).");
        faults.ShouldContain("modules[3].outputs[0].port: 'k' has no output 'in'.");
        faults.ShouldContain("modules[3].outputs[1].node: module 'fine' has no node 'nobody'.");
        faults.Count.ShouldBe(5);
    }

    [Fact]
    public void Controls_NamingAMissingNodeOrParameter_AreRefused()
    {
        var doc = StudioApps.Simple();
        doc["controls"] = new JsonArray(
            new JsonObject { ["node"] = "flt", ["param"] = "cutoff" },
            new JsonObject { ["node"] = "ghost", ["param"] = "cutoff" },
            new JsonObject { ["node"] = "flt", ["param"] = "colour" });
        Faults(doc).ShouldBe([
            "controls[1].node: there is no top-level node 'ghost'.",
            "controls[2].param: core.filter has no parameter 'colour'.",
        ]);
    }

    [Fact]
    public void AValidDocument_IsStoredNormalised_WithoutUnknownFields()
    {
        var doc = StudioApps.Simple();
        doc["extra"] = "dropped";
        ((JsonObject)doc["nodes"]![0]!)["colour"] = "red";
        doc.Remove("modules");
        var check = Check(doc);
        check.IsValid.ShouldBeTrue();
        var stored = JsonNode.Parse(check.Document!)!.AsObject();
        stored.ContainsKey("extra").ShouldBeFalse();
        stored["nodes"]![0]!.AsObject().ContainsKey("colour").ShouldBeFalse();
        stored["nodes"]![0]!["params"]!["frequency"]!.GetValue<double>().ShouldBe(440);
        stored["modules"]!.AsArray().Count.ShouldBe(0);
        stored["controls"]![0]!["label"]!.GetValue<string>().ShouldBe("Brightness");
        stored["edges"]!.AsArray().Count.ShouldBe(3);
    }

    [Fact]
    public void TooManyFaults_StopAtFifty()
    {
        var nodes = new JsonArray([.. Enumerable.Range(0, 200).Select(i => (JsonNode)Node($"n{i}", "core.nothing"))]);
        Check(Doc(nodes)).Errors.Sum(e => e.Value.Length).ShouldBe(PatchValidator.MaxErrors);
    }
}
