using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using Atelier.Features.Accounts;
using Atelier.Tests.Messenger;

namespace Atelier.Tests.E2e;

/// <summary>
/// The studio in a real browser, listening to what it makes: a patch built through the UI is saved, reloaded and
/// rendered offline to a WAV in the media library, which the test downloads and analyses (spectral peak, level);
/// a Strudel pattern's melody; undo/redo, copy/paste between two patches and a sub-patch surviving a reload; and a
/// patch embedded in a post, played in its iframe and heard through an analyser tapped onto the page's audio output.
/// </summary>
public sealed class StudioJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    /// <summary>
    /// Runs in every frame before the page's scripts: whatever is connected to a live AudioContext's speakers is also
    /// connected to an analyser the test reads (window.__atelierTap), so a test hears what a listener would.
    /// </summary>
    private const string AudioTap = """
        (() => {
          const connect = AudioNode.prototype.connect;
          AudioNode.prototype.connect = function (target, ...rest) {
            const result = connect.call(this, target, ...rest);
            if (target instanceof AudioDestinationNode && typeof AudioContext !== 'undefined' && this.context instanceof AudioContext) {
              let tap = window.__atelierTap;
              if (!tap || tap.context !== this.context) {
                tap = this.context.createAnalyser();
                tap.fftSize = 32768;
                window.__atelierTap = tap;
              }
              connect.call(this, tap);
            }
            return result;
          };
        })();
        """;

    /// <summary>The tapped signal's RMS level and spectral peak (Hz), read in the page.</summary>
    private const string ReadTap = """
        () => {
          const tap = window.__atelierTap;
          if (!tap) return null;
          const time = new Float32Array(tap.fftSize);
          tap.getFloatTimeDomainData(time);
          let sum = 0;
          for (const s of time) sum += s * s;
          const spectrum = new Float32Array(tap.frequencyBinCount);
          tap.getFloatFrequencyData(spectrum);
          let best = 1;
          for (let i = 1; i < spectrum.length; i++) if (spectrum[i] > spectrum[best]) best = i;
          return { rms: Math.sqrt(sum / time.length), peak: best * tap.context.sampleRate / tap.fftSize };
        }
        """;

    [Fact]
    public async Task BuildOscillatorFilterGainOut_SaveReload_RenderOffline_PeakIs440Hz_AndLevelFollowsTheGain()
    {
        var (page, errors, dispose) = await SignedInAsync("osc");
        await using var _ = dispose;
        await NewPatchAsync(page, "Sine through a filter");

        await AddNodeAsync(page, "core.oscillator", "Oscillator", 140, 140);
        await AddNodeAsync(page, "core.filter", "Filter", 400, 140);
        await AddNodeAsync(page, "core.gain", "Gain", 660, 140);
        await AddNodeAsync(page, "core.output", "Audio out", 920, 140);
        await ConnectAsync(page, "Oscillator", "out", "Filter", "in");
        await ConnectAsync(page, "Filter", "out", "Gain", "in");
        await ConnectAsync(page, "Gain", "out", "Audio out", "in");
        await Assertions.Expect(page.Locator(".react-flow__edge")).ToHaveCountAsync(3);
        await SetParamAsync(page, "Oscillator", "frequency", "440");
        await SetParamAsync(page, "Filter", "cutoff", "5000");
        await SetParamAsync(page, "Gain", "gain", "0.5");
        await SavedAsync(page);

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".react-flow__node")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator(".react-flow__edge")).ToHaveCountAsync(3);

        var loud = await RenderAsync(page, seconds: 1, previous: null);
        var audio = AudioAnalysis.FromWav(loud.Wav);
        audio.Seconds.ShouldBe(1, 0.01);
        audio.PeakFrequency(0.1, 0.9).ShouldBe(440, 5);

        await SetParamAsync(page, "Gain", "gain", "0.25");
        await SavedAsync(page);
        var quiet = await RenderAsync(page, seconds: 1, previous: loud.Url);
        var quieter = AudioAnalysis.FromWav(quiet.Wav);
        quieter.PeakFrequency(0.1, 0.9).ShouldBe(440, 5);
        // Half the gain, half the amplitude (−6 dB).
        (audio.Rms(0.1, 0.9) / quieter.Rms(0.1, 0.9)).ShouldBe(2, 0.1);
        Unexpected(errors).ShouldBeEmpty(string.Join('\n', errors));
    }

    [Fact]
    public async Task StrudelPattern_C4E4G4_RendersThatMelody()
    {
        var (page, errors, dispose) = await SignedInAsync("strudel");
        await using var _ = dispose;
        await NewPatchAsync(page, "Three notes");
        await AddNodeAsync(page, "core.strudel", "Strudel pattern", 160, 160);
        await AddNodeAsync(page, "core.output", "Audio out", 760, 160);
        await ConnectAsync(page, "Strudel pattern", "out", "Audio out", "in");
        await Node(page, "Strudel pattern").ClickAsync(new() { Position = new() { X = 30, Y = 10 } });
        await Assertions.Expect(page.GetByTestId("param-code")).ToContainTextAsync("note(\"c4 e4 g4\")");
        await SavedAsync(page);

        // One cycle at the default 0.5 cycles per second: two seconds, three notes.
        var render = await RenderAsync(page, seconds: 2, previous: null);
        var audio = AudioAnalysis.FromWav(render.Wav);
        audio.Rms().ShouldBeGreaterThan(0.02);
        audio.NoteSequence().ShouldBe(["C4", "E4", "G4"]);
        Unexpected(errors).ShouldBeEmpty(string.Join('\n', errors));
    }

    [Fact]
    public async Task UndoRedo_CopyPasteBetweenPatches_AndASubPatch_SurviveSaveAndReload()
    {
        var (page, errors, dispose) = await SignedInAsync("edit");
        await using var _ = dispose;
        await NewPatchAsync(page, "Voice");
        await AddNodeAsync(page, "core.oscillator", "Oscillator", 140, 160);
        await AddNodeAsync(page, "core.gain", "Gain", 420, 160);
        await ConnectAsync(page, "Oscillator", "out", "Gain", "in");
        await AddNodeAsync(page, "core.output", "Audio out", 760, 160);

        // Undo takes back the last steps (moving the output, then adding it), redo brings them back.
        var placed = await StableBoxAsync(Node(page, "Audio out"));
        await page.GetByTestId("undo").ClickAsync();
        await Assertions.Expect(Node(page, "Audio out")).ToHaveCountAsync(1);
        (await StableBoxAsync(Node(page, "Audio out"))).X.ShouldNotBe(placed.X);
        await page.GetByTestId("undo").ClickAsync();
        await Assertions.Expect(Node(page, "Audio out")).ToHaveCountAsync(0);
        await page.GetByTestId("redo").ClickAsync();
        await page.GetByTestId("redo").ClickAsync();
        await Assertions.Expect(Node(page, "Audio out")).ToHaveCountAsync(1);
        (await StableBoxAsync(Node(page, "Audio out"))).X.ShouldBe(placed.X, 1);
        await ConnectAsync(page, "Gain", "out", "Audio out", "in");

        // Oscillator and gain become one module; the module node keeps the connection to the output.
        await Node(page, "Oscillator").ClickAsync(new() { Position = new() { X = 30, Y = 10 } });
        await Node(page, "Gain").ClickAsync(new() { Position = new() { X = 30, Y = 10 }, Modifiers = [KeyboardModifier.Shift] });
        await page.GetByTestId("group").ClickAsync();
        await Assertions.Expect(page.Locator(".react-flow__node")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".react-flow__edge")).ToHaveCountAsync(1);
        await SavedAsync(page);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".react-flow__node")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".react-flow__edge")).ToHaveCountAsync(1);
        var module = page.Locator(".react-flow__node").Filter(new() { HasNotText = "Audio out" });
        var moduleName = (await module.InnerTextAsync()).Split('\n')[0];

        // Copy the module node, paste it into a second patch.
        await module.ClickAsync(new() { Position = new() { X = 30, Y = 10 } });
        await page.Keyboard.PressAsync("Control+c");
        await page.GotoAsync("/studio");
        await NewPatchAsync(page, "Second");
        await page.Locator(".react-flow__pane").ClickAsync(new() { Position = new() { X = 300, Y = 300 } });
        await page.Keyboard.PressAsync("Control+v");
        await Assertions.Expect(page.Locator(".react-flow__node")).ToHaveCountAsync(1);
        await SavedAsync(page);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".react-flow__node")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".react-flow__node")).ToContainTextAsync(moduleName);

        // Inside, the pasted module still holds the oscillator wired to the gain.
        await page.Locator(".react-flow__node").DblClickAsync(new() { Position = new() { X = 30, Y = 10 } });
        await Assertions.Expect(page.GetByTestId("breadcrumb")).ToBeVisibleAsync();
        await Assertions.Expect(Node(page, "Oscillator")).ToHaveCountAsync(1);
        await Assertions.Expect(Node(page, "Gain")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".react-flow__edge")).ToHaveCountAsync(1);
        Unexpected(errors).ShouldBeEmpty(string.Join('\n', errors));
    }

    [Fact]
    public async Task ZoomedFarOut_NodesAreDrawnWithoutPorts_TheMapShowsOnlyWhenSomethingIsOutOfView_AndEdgesStillMeetThePorts()
    {
        var (page, errors, dispose) = await SignedInAsync("overview");
        await using var _ = dispose;
        await NewPatchAsync(page, "Overview");
        await AddNodeAsync(page, "core.oscillator", "Oscillator", 140, 160);
        await AddNodeAsync(page, "core.gain", "Gain", 420, 160);
        await ConnectAsync(page, "Oscillator", "out", "Gain", "in");
        var oscillatorOut = Node(page, "Oscillator").Locator(".react-flow__handle.source[data-handleid='out']");

        // The whole patch is on screen: no map. Zoomed in until part of it is not, the map shows where the view is.
        await Assertions.Expect(page.Locator(".react-flow__minimap")).ToHaveCountAsync(0);
        for (var i = 0; i < 4; i++)
        {
            await page.Locator(".react-flow__controls-zoomin").ClickAsync();
        }
        await Assertions.Expect(page.Locator(".react-flow__minimap")).ToBeVisibleAsync();

        // Far out, a node is its box and coloured title bar: no port labels or handles.
        await ZoomUntilAsync(page, ".react-flow__controls-zoomout", far: true);
        await Assertions.Expect(page.Locator(".react-flow__minimap")).ToHaveCountAsync(0);
        (await oscillatorOut.EvaluateAsync<bool>("h => h.checkVisibility()")).ShouldBeFalse("a handle is drawn while zoomed far out");
        await Assertions.Expect(Node(page, "Oscillator")).ToBeVisibleAsync();

        // A node added while far out still gets its ports measured: once back in, an edge to it meets its handle.
        await AddNodeAsync(page, "core.output", "Audio out", 520, 300);
        await ZoomUntilAsync(page, ".react-flow__controls-zoomin", far: false);
        (await oscillatorOut.EvaluateAsync<bool>("h => h.checkVisibility()")).ShouldBeTrue("the handles are drawn again once zoomed back in");
        await ConnectAsync(page, "Gain", "out", "Audio out", "in");
        await EdgeMeetsAsync(page, "Oscillator", "out", "Gain", "in");
        await EdgeMeetsAsync(page, "Gain", "out", "Audio out", "in");
        Unexpected(errors).ShouldBeEmpty(string.Join('\n', errors));
    }

    /// <summary>Presses a zoom control until the canvas is (or is no longer) in its zoomed-far-out drawing.</summary>
    private static async Task ZoomUntilAsync(IPage page, string control, bool far)
    {
        for (var i = 0; i < 20 && await page.Locator(".react-flow.studio-far").CountAsync() != (far ? 1 : 0); i++)
        {
            await page.Locator(control).ClickAsync();
        }
        await Assertions.Expect(page.Locator(".react-flow.studio-far")).ToHaveCountAsync(far ? 1 : 0);
    }

    /// <summary>Some drawn edge starts at the source port's handle and ends at the target port's handle (to a few pixels).</summary>
    private static async Task EdgeMeetsAsync(IPage page, string fromTitle, string fromPort, string toTitle, string toPort)
    {
        var source = await StableBoxAsync(Node(page, fromTitle).Locator($".react-flow__handle.source[data-handleid='{fromPort}']"));
        var target = await StableBoxAsync(Node(page, toTitle).Locator($".react-flow__handle.target[data-handleid='{toPort}']"));
        var edges = await page.EvaluateAsync<double[][]>("""
            () => [...document.querySelectorAll('.react-flow__edge-path')].map(p => {
              const length = p.getTotalLength();
              const a = p.getPointAtLength(0), b = p.getPointAtLength(length);
              const m = p.getScreenCTM();
              return [a.x * m.a + a.y * m.c + m.e, a.x * m.b + a.y * m.d + m.f, b.x * m.a + b.y * m.c + m.e, b.x * m.b + b.y * m.d + m.f];
            })
            """);
        Func<LocatorBoundingBoxResult, double, double, bool> within = (box, x, y) =>
            x >= box.X - 3 && x <= box.X + box.Width + 3 && y >= box.Y - 3 && y <= box.Y + box.Height + 3;
        edges.Any(e => within(source, e[0], e[1]) && within(target, e[2], e[3])).ShouldBeTrue(
            $"no edge from {fromTitle}.{fromPort} ({source.X:0},{source.Y:0}) to {toTitle}.{toPort} ({target.X:0},{target.Y:0}); edges: "
                + string.Join("; ", edges.Select(e => string.Join(",", e.Select(v => v.ToString("0", System.Globalization.CultureInfo.InvariantCulture))))));
    }

    [Fact]
    public async Task APostEmbeddingAPatch_PlaysIt_AndTheReaderHearsIt()
    {
        using var owner = app.CreateClient();
        var tokens = await app.OwnerAsync(owner, "studio-owner@atelier.test", "owner password 1");
        owner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        var document = JsonSerializer.Deserialize<JsonElement>("""
            {"format":"atelier.patch","version":1,
             "nodes":[{"id":"osc","type":"core.oscillator","x":0,"y":0,"params":{"frequency":440}},
                      {"id":"amp","type":"core.gain","x":250,"y":0,"params":{"gain":0.5}},
                      {"id":"out","type":"core.output","x":500,"y":0}],
             "edges":[{"id":"e1","from":{"node":"osc","port":"out"},"to":{"node":"amp","port":"in"}},
                      {"id":"e2","from":{"node":"amp","port":"out"},"to":{"node":"out","port":"in"}}],
             "controls":[{"node":"amp","param":"gain","label":"Volume"}]}
            """);
        var created = await owner.PostAsJsonAsync("/api/v1/patches", new { name = "Embedded sine", visibility = "public", document });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var slug = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString();
        var post = await owner.PostAsJsonAsync("/api/v1/posts", new
        {
            title = "A patch to play",
            slug = "a-patch-to-play",
            source = $"Press play:\n\n![[patch:{slug}]]\n",
            status = "Published",
        });
        post.StatusCode.ShouldBe(HttpStatusCode.Created, await post.Content.ReadAsStringAsync());

        var (playwright, browser) = await SetupJourneyTests.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var (page, errors) = await SetupJourneyTests.OpenAsync(browser, app);
        await page.Context.AddInitScriptAsync(AudioTap);
        await page.GotoAsync("/posts/a-patch-to-play");
        var frameElement = page.Locator("iframe.embed-patch");
        await Assertions.Expect(frameElement).ToBeVisibleAsync();
        var frame = page.FrameLocator("iframe.embed-patch");
        await Assertions.Expect(frame.GetByText("Embedded sine")).ToBeVisibleAsync();
        await Assertions.Expect(frame.GetByText("Volume")).ToBeVisibleAsync();
        await frame.GetByRole(AriaRole.Button, new() { Name = "Play" }).ClickAsync();

        var embed = page.Frames.Single(f => f.Url.Contains("/embed/patch/", StringComparison.Ordinal));
        var heard = await ListenAsync(embed, r => r.Rms > 0.05 && Math.Abs(r.Peak - 440) <= 5);
        heard.Peak.ShouldBe(440, 5);
        heard.Rms.ShouldBeGreaterThan(0.05);
        await frame.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();
        Unexpected(errors).ShouldBeEmpty(string.Join('\n', errors));
    }

    private sealed record Heard(double Rms, double Peak);

    /// <summary>Errors, less the audio player's own cancelled range requests for a recording it shows (the browser aborts those as it seeks).</summary>
    private static List<string> Unexpected(List<string> errors) =>
        errors.Where(e => !(e.StartsWith("failed: ", StringComparison.Ordinal) && e.Contains(".wav", StringComparison.Ordinal) && e.EndsWith("net::ERR_ABORTED", StringComparison.Ordinal))).ToList();

    /// <summary>Reads the tapped analyser until the condition holds (the audio graph takes a moment to start), or 20 s.</summary>
    private static async Task<Heard> ListenAsync(IFrame frame, Func<Heard, bool> enough)
    {
        Heard last = new(0, 0);
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            var result = await frame.EvaluateAsync<JsonElement?>(ReadTap);
            if (result is { ValueKind: JsonValueKind.Object } r)
            {
                last = new Heard(r.GetProperty("rms").GetDouble(), r.GetProperty("peak").GetDouble());
                if (enough(last))
                {
                    return last;
                }
            }
        }
        return last;
    }

    private async Task<(IPage Page, List<string> Errors, IAsyncDisposable Dispose)> SignedInAsync(string who)
    {
        var email = $"{who}-{Guid.NewGuid():N}@studio.test";
        await app.MemberAsync($"Musician {who}", email, "studio password 1");
        var (playwright, browser) = await SetupJourneyTests.LaunchAsync();
        var (page, errors) = await SetupJourneyTests.OpenAsync(browser, app);
        await page.SetViewportSizeAsync(1400, 900);
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = app.BaseUrl });
        await page.GotoAsync("/studio");
        await SetupJourneyTests.WaitForAsync(page, "**/account/login?ReturnUrl=%2Fstudio");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("studio password 1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await SetupJourneyTests.WaitForAsync(page, "**/studio");
        await Assertions.Expect(page.GetByTestId("patch-list")).ToBeVisibleAsync();
        return (page, errors, new Closer(playwright, browser));
    }

    private sealed class Closer(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private static async Task NewPatchAsync(IPage page, string name)
    {
        void Answer(object? sender, IDialog dialog) => _ = dialog.AcceptAsync(name);
        page.Dialog += Answer;
        await page.GetByTestId("new-patch").ClickAsync();
        await Assertions.Expect(page.GetByTestId("palette-search")).ToBeVisibleAsync();
        page.Dialog -= Answer;
        await Assertions.Expect(page.GetByTestId("save-state")).ToContainTextAsync("Saved");
    }

    private static ILocator Node(IPage page, string title) =>
        page.Locator(".react-flow__node").Filter(new() { Has = page.GetByText(title, new() { Exact = true }) });

    /// <summary>Adds a node from the palette (type to search, Enter), then drags it by its title to a spot on the canvas.</summary>
    private static async Task AddNodeAsync(IPage page, string type, string title, int x, int y)
    {
        await page.GetByTestId("palette-search").FillAsync(title);
        await Assertions.Expect(page.GetByTestId($"palette-item-{type}")).ToBeVisibleAsync();
        await page.GetByTestId("palette-search").PressAsync("Enter");
        var node = Node(page, title);
        await Assertions.Expect(node).ToHaveCountAsync(1);
        var box = await StableBoxAsync(node);
        var pane = (await page.Locator(".react-flow").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + 30, box.Y + 10);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(pane.X + x, pane.Y + y, new() { Steps = 12 });
        await page.Mouse.UpAsync();
    }

    private static async Task ConnectAsync(IPage page, string fromTitle, string fromPort, string toTitle, string toPort)
    {
        var source = Node(page, fromTitle).Locator($".react-flow__handle.source[data-handleid='{fromPort}']");
        var target = Node(page, toTitle).Locator($".react-flow__handle.target[data-handleid='{toPort}']");
        var a = await StableBoxAsync(source);
        var b = await StableBoxAsync(target);
        var edges = await page.Locator(".react-flow__edge").CountAsync();
        await page.Mouse.MoveAsync(a.X + a.Width / 2, a.Y + a.Height / 2);
        await page.Mouse.DownAsync();
        // Away from the handle first, as a hand would: the connection line starts once the pointer leaves it.
        await page.Mouse.MoveAsync((a.X + b.X) / 2, a.Y + 40, new() { Steps = 8 });
        await Assertions.Expect(page.Locator(".react-flow__connection")).ToHaveCountAsync(1);
        await page.Mouse.MoveAsync(b.X + b.Width / 2, b.Y + b.Height / 2, new() { Steps = 8 });
        await page.Mouse.UpAsync();
        await Assertions.Expect(page.Locator(".react-flow__edge")).ToHaveCountAsync(edges + 1);
    }

    /// <summary>
    /// Where an element is once it has settled: React Flow draws a new node hidden until it has measured it, and a
    /// pointer that goes down at a stale position grabs the canvas instead.
    /// </summary>
    private static async Task<LocatorBoundingBoxResult> StableBoxAsync(ILocator locator)
    {
        await Assertions.Expect(locator).ToBeVisibleAsync();
        var last = await locator.BoundingBoxAsync();
        for (var i = 0; i < 50; i++)
        {
            await Task.Delay(100);
            var now = await locator.BoundingBoxAsync();
            if (now is not null && last is not null && now.X == last.X && now.Y == last.Y && now.Width == last.Width)
            {
                return now;
            }
            last = now;
        }
        throw new InvalidOperationException("The element kept moving.");
    }

    private static async Task SetParamAsync(IPage page, string title, string param, string value)
    {
        // The record panel shares the side with the inspector: back to editing first.
        if (await page.GetByTestId("record-panel").IsVisibleAsync())
        {
            await page.GetByTestId("mode-record").ClickAsync();
        }
        await Node(page, title).ClickAsync(new() { Position = new() { X = 30, Y = 10 } });
        var field = page.GetByTestId($"param-{param}");
        await field.FillAsync(value);
        await field.PressAsync("Enter");
        await field.BlurAsync();
        await Assertions.Expect(field).ToHaveValueAsync(value);
        // The change is waiting to be saved (autosave runs a moment after the last edit).
        await Assertions.Expect(page.GetByTestId("save-state")).Not.ToHaveTextAsync("Saved");
    }

    private static async Task SavedAsync(IPage page) =>
        await Assertions.Expect(page.GetByTestId("save-state")).ToHaveTextAsync("Saved", new() { Timeout = 30_000 });

    /// <summary>Renders offline through the record panel; the WAV lands in the media library and is downloaded from there.</summary>
    private static async Task<(string Url, byte[] Wav)> RenderAsync(IPage page, int seconds, string? previous)
    {
        if (!await page.GetByTestId("record-panel").IsVisibleAsync())
        {
            await page.GetByTestId("mode-record").ClickAsync();
        }
        await page.GetByTestId("render-seconds").FillAsync(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("render-offline").ClickAsync();
        var link = page.GetByTestId("recording-link");
        await Assertions.Expect(link).ToBeVisibleAsync(new() { Timeout = 60_000 });
        if (previous is not null)
        {
            await Assertions.Expect(link).Not.ToHaveAttributeAsync("href", previous, new() { Timeout = 60_000 });
        }
        var url = (await link.GetAttributeAsync("href"))!;
        var response = await page.APIRequest.GetAsync(url);
        response.Status.ShouldBe(200, $"GET {url}");
        return (url, await response.BodyAsync());
    }
}
