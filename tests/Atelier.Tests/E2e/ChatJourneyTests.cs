using Microsoft.Playwright;
using Atelier.Tests.Media;
using Atelier.Tests.Messenger;

namespace Atelier.Tests.E2e;

/// <summary>
/// The messenger with two people, each in a browser context of their own (Ann at a desk, Ben on a phone-sized screen):
/// Ann makes a group with Ben, they write to each other, Ben sees Ann typing and Ann sees Ben's read ticks, Ann edits and
/// deletes, Ben reacts and replies with a picture, then Ben's connection drops while Ann writes three more messages, and
/// they reach him when he is back online, without a reload.
/// </summary>
public sealed class ChatJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const string AnnName = "Ann Archer";
    private const string BenName = "Ben Baker";

    [Fact]
    public async Task TwoPeople_MakeAGroup_Chat_EditDeleteReactReplyWithAPicture_AndCatchUpAfterGoingOffline()
    {
        await app.MemberAsync(AnnName, "ann@chat.test", "ann password 1");
        await app.MemberAsync(BenName, "ben@chat.test", "ben password 1");
        var (playwright, browser) = await SetupJourneyTests.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        // Each page comes in a browser context of its own: two people, two cookie jars, two hub connections.
        var (ann, annErrors) = await SetupJourneyTests.OpenAsync(browser, app);
        var (ben, benErrors) = await SetupJourneyTests.OpenAsync(browser, app);
        // Ben on a phone-sized screen: the list and the conversation are two screens, so he can leave the group and come back.
        await ben.SetViewportSizeAsync(390, 844);
        // Ben's hub connection runs through Playwright so that the test can cut it the way a lost network does.
        var benSockets = new List<IWebSocketRoute>();
        await ben.RouteWebSocketAsync(url => url.Contains("/hubs/chat", StringComparison.Ordinal), socket =>
        {
            socket.ConnectToServer();
            lock (benSockets)
            {
                benSockets.Add(socket);
            }
        });
        var annConnected = HubConnectedAsync(ann);
        var benConnected = HubConnectedAsync(ben);
        await SignInAtChatAsync(ann, "ann@chat.test", "ann password 1");
        await SignInAtChatAsync(ben, "ben@chat.test", "ben password 1");
        // The app loads the list over HTTP while the hub connects; what happens before the hub is connected is caught up
        // only after a reconnect, so both wait for their connection, as a person waits for the page to settle.
        await Task.WhenAll(annConnected, benConnected).WaitAsync(TimeSpan.FromSeconds(90));
        await Assertions.Expect(ben.GetByText("No conversations yet.")).ToBeVisibleAsync();

        // Ann makes a group with Ben; it turns up in Ben's list while he looks at it.
        await ann.GetByTestId("new-group-button").ClickAsync();
        await ann.GetByTestId("user-search-input").FillAsync("Ben");
        await ann.GetByTestId("user-search-result").Filter(new() { HasText = BenName }).ClickAsync();
        await Assertions.Expect(ann.GetByRole(AriaRole.List, new() { Name = "Members to add" })).ToHaveTextAsync($"{BenName}×");
        await ann.GetByTestId("group-name-input").FillAsync("Saturday hike");
        await ann.GetByTestId("create-group-button").ClickAsync();
        await Assertions.Expect(ann.GetByRole(AriaRole.Heading, new() { Name = "Saturday hike" })).ToBeVisibleAsync();
        await Assertions.Expect(ann.GetByText("2 members")).ToBeVisibleAsync();
        var benGroup = ben.GetByTestId("conversation-item").Filter(new() { HasText = "Saturday hike" });
        await Assertions.Expect(benGroup).ToContainTextAsync("No messages yet");

        // Ben opens it; Ann starts writing and Ben sees that she is typing, then her message.
        await benGroup.ClickAsync();
        await Assertions.Expect(ben.GetByText("No messages yet. Say hello!")).ToBeVisibleAsync();
        var benTyping = ben.GetByTestId("typing-indicator");
        var benSeesAnnTyping = Assertions.Expect(benTyping).ToHaveTextAsync($"{AnnName} is typing…");
        await ann.GetByTestId("composer-input").FillAsync("Hi Ben, are you in for Saturday?");
        await benSeesAnnTyping;
        await ann.GetByTestId("composer-input").PressAsync("Enter");
        await Assertions.Expect(ben.GetByTestId("message-text")).ToHaveTextAsync(["Hi Ben, are you in for Saturday?"]);
        await Assertions.Expect(benTyping).ToBeEmptyAsync();
        await Assertions.Expect(Message(ann, "Hi Ben").GetByTestId("read-tick")).ToHaveAttributeAsync("data-state", "read");

        // Ben goes back to his list; Ann's next message stays unread (one tick) until he opens the group again.
        await ben.GetByRole(AriaRole.Button, new() { Name = "Back to conversations" }).ClickAsync();
        await Assertions.Expect(benGroup).ToBeVisibleAsync();
        await SendAsync(ann, "Bring a jacket, it gets cold up there.");
        var jacketTick = Message(ann, "Bring a jacket").GetByTestId("read-tick");
        await Assertions.Expect(jacketTick).ToHaveAttributeAsync("data-state", "sent");
        await Assertions.Expect(benGroup.GetByTestId("unread-badge")).ToHaveTextAsync("1");
        await Assertions.Expect(benGroup).ToContainTextAsync($"{AnnName}: Bring a jacket, it gets cold up there.");
        await Assertions.Expect(jacketTick).ToHaveAttributeAsync("data-state", "sent");
        await benGroup.ClickAsync();
        await Assertions.Expect(ben.GetByTestId("message-text")).ToHaveTextAsync(["Hi Ben, are you in for Saturday?", "Bring a jacket, it gets cold up there."]);
        await Assertions.Expect(jacketTick).ToHaveAttributeAsync("data-state", "read");
        await Assertions.Expect(jacketTick).ToHaveAttributeAsync("aria-label", $"Seen by 1: {BenName}");
        await Assertions.Expect(benGroup.GetByTestId("unread-badge")).ToHaveCountAsync(0);

        // Ben answers.
        await SendAsync(ben, "Yes! What time?");
        await Assertions.Expect(ann.GetByTestId("message-text"))
            .ToHaveTextAsync(["Hi Ben, are you in for Saturday?", "Bring a jacket, it gets cold up there.", "Yes! What time?"]);

        // Ann edits her second message; Ben sees the new words, marked as edited.
        await Message(ann, "Bring a jacket").GetByTestId("message-menu-button").ClickAsync();
        await ann.GetByTestId("edit-button").ClickAsync();
        var annComposer = ann.GetByTestId("composer-input");
        await Assertions.Expect(annComposer).ToHaveValueAsync("Bring a jacket, it gets cold up there.");
        await annComposer.FillAsync("Bring a warm jacket, it gets cold up there.");
        await annComposer.PressAsync("Enter");
        var benJacket = Message(ben, "warm jacket");
        await Assertions.Expect(benJacket.GetByTestId("message-text")).ToHaveTextAsync("Bring a warm jacket, it gets cold up there.");
        await Assertions.Expect(benJacket.GetByTestId("message-edited")).ToHaveTextAsync("edited");
        await Assertions.Expect(ben.GetByText("Bring a jacket, it gets cold up there.")).ToHaveCountAsync(0);

        // Ann sends something by mistake and deletes it; Ben sees it go.
        await SendAsync(ann, "Oops, wrong chat");
        await Assertions.Expect(Message(ben, "Oops, wrong chat")).ToBeVisibleAsync();
        var oops = Message(ann, "Oops, wrong chat");
        await Assertions.Expect(oops.GetByTestId("read-tick")).ToBeVisibleAsync();
        var oopsId = await oops.GetAttributeAsync("data-message-id");
        await oops.GetByTestId("message-menu-button").ClickAsync();
        await ann.GetByTestId("delete-button").ClickAsync();
        var benOops = ben.Locator($"[data-testid=message][data-message-id='{oopsId}']");
        await Assertions.Expect(benOops.GetByTestId("message-deleted")).ToHaveTextAsync("Message deleted");
        await Assertions.Expect(ben.GetByText("Oops, wrong chat")).ToHaveCountAsync(0);
        await Assertions.Expect(ann.GetByTestId("message-deleted")).ToHaveCountAsync(1);

        // Ben likes the jacket advice; Ann sees his 👍.
        await benJacket.GetByTestId("react-button").ClickAsync();
        await ben.GetByRole(AriaRole.Button, new() { Name = "React with 👍" }).ClickAsync();
        var thumbs = Message(ann, "warm jacket").Locator("[data-testid=reaction][data-emoji='👍']");
        await Assertions.Expect(thumbs).ToHaveTextAsync("👍1");
        await Assertions.Expect(thumbs).ToHaveAttributeAsync("aria-label", $"👍 1: {BenName}");

        // Ben replies to Ann's first message with a photo; Ann sees the quote and the picture itself.
        await Message(ben, "Hi Ben, are you in for Saturday?").GetByTestId("reply-button").ClickAsync();
        await Assertions.Expect(ben.GetByTestId("reply-chip")).ToContainTextAsync($"Replying to {AnnName}");
        await ben.GetByTestId("attach-input").SetInputFilesAsync(new FilePayload
        {
            Name = "summit.png", MimeType = "image/png", Buffer = await File.ReadAllBytesAsync(await MediaFixtures.PngWithAlphaAsync()),
        });
        var upload = ben.GetByTestId("upload-progress");
        await Assertions.Expect(upload).ToHaveAttributeAsync("data-state", "done");
        await Assertions.Expect(upload).ToContainTextAsync("Ready");
        await SendAsync(ben, "This is the view from the top.");
        await Assertions.Expect(upload).ToHaveCountAsync(0);
        var annReply = Message(ann, "This is the view from the top.");
        await Assertions.Expect(annReply.GetByTestId("reply-quote")).ToHaveTextAsync($"{AnnName}Hi Ben, are you in for Saturday?");
        var picture = annReply.GetByTestId("message-image");
        await Assertions.Expect(picture).ToHaveAttributeAsync("alt", "summit.png");
        await ann.WaitForFunctionAsync("img => img.complete && img.naturalWidth > 0", await picture.ElementHandleAsync());

        // Ben's connection drops. Ann writes three messages meanwhile; once he is back online they appear for him, in
        // order, in the same page (no reload: the marker set before is still there).
        await ben.EvaluateAsync("() => { window.__chatJourney = 'same page'; }");
        var benOfflineFrom = benErrors.Count;
        await ben.Context.SetOfflineAsync(true);
        IWebSocketRoute hubSocket;
        lock (benSockets)
        {
            hubSocket = benSockets[^1];
        }
        await hubSocket.CloseAsync(new() { Code = 1006, Reason = "network lost" });
        await Assertions.Expect(ben.GetByTestId("reconnect-banner")).ToHaveTextAsync("Reconnecting…");
        string[] whileAway = ["Meet at 8 at the car park.", "Bring water.", "And snacks!"];
        foreach (var text in whileAway)
        {
            await SendAsync(ann, text);
            await Assertions.Expect(Message(ann, text).GetByTestId("read-tick")).ToHaveAttributeAsync("data-state", "sent");
        }
        await Assertions.Expect(ben.GetByTestId("message-text")).ToHaveCountAsync(4); // nothing reached him yet
        await ben.Context.SetOfflineAsync(false);
        await Assertions.Expect(ben.GetByTestId("reconnect-banner")).ToHaveCountAsync(0);
        await Assertions.Expect(ben.GetByTestId("message-text")).ToHaveTextAsync([
            "Hi Ben, are you in for Saturday?", "Bring a warm jacket, it gets cold up there.", "Yes! What time?", "This is the view from the top.", .. whileAway,
        ]);
        (await ben.EvaluateAsync<string?>("() => window.__chatJourney")).ShouldBe("same page", "Ben's page must catch up without a reload");
        // Ben reads them where he is, and Ann sees that.
        await Assertions.Expect(Message(ann, "And snacks!").GetByTestId("read-tick")).ToHaveAttributeAsync("data-state", "read");
        var benOnlineAt = benErrors.Count;

        annErrors.ShouldBeEmpty("Ann's messenger must run without script, CSP or request errors");
        benErrors.Where((error, i) => i < benOfflineFrom || i >= benOnlineAt || !OfflineNoise(error))
            .ShouldBeEmpty("Ben's messenger must run without errors, but for the failed reconnects while he is offline");
    }

    /// <summary>
    /// What the browser reports while the network is gone, and nothing else: SignalR logs the dropped connection and each
    /// failed attempt to open a new one, and each attempt is a socket (or request) that fails with ERR_INTERNET_DISCONNECTED.
    /// </summary>
    private bool OfflineNoise(string error) =>
        error is "Failed to load resource: net::ERR_INTERNET_DISCONNECTED"
        || (error.StartsWith($"failed: {app.BaseUrl}/hubs/chat/negotiate?", StringComparison.Ordinal) && error.EndsWith(" net::ERR_INTERNET_DISCONNECTED", StringComparison.Ordinal))
        || error.EndsWith("] Error: Connection disconnected with error 'Error: WebSocket closed with status code: 1006 (network lost).'.", StringComparison.Ordinal)
        || error.EndsWith("Failed to complete negotiation with the server: TypeError: Failed to fetch", StringComparison.Ordinal)
        // The chat connects straight to a WebSocket (no negotiate): each attempt is a socket that cannot open.
        || (error.StartsWith($"WebSocket connection to '{app.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal)}/hubs/chat?access_token=", StringComparison.Ordinal)
            && error.EndsWith("' failed: Error in connection establishment: net::ERR_INTERNET_DISCONNECTED", StringComparison.Ordinal))
        || error.Contains("] Error: Failed to start the connection: Error: WebSocket failed to connect.", StringComparison.Ordinal);

    /// <summary>Opens /chat, which sends a visitor to the login form and back.</summary>
    private static async Task SignInAtChatAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/chat");
        await SetupJourneyTests.WaitForAsync(page, "**/account/login?ReturnUrl=%2Fchat");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await SetupJourneyTests.WaitForAsync(page, "**/chat");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Chats" })).ToBeVisibleAsync();
    }

    /// <summary>Completes when the page's SignalR connection to the chat hub has had its handshake answered.</summary>
    private static Task HubConnectedAsync(IPage page)
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        page.WebSocket += (_, socket) =>
        {
            if (socket.Url.Contains("/hubs/chat", StringComparison.Ordinal))
            {
                // The server's handshake answer is an empty JSON object ("{}" and the record separator).
                socket.FrameReceived += (_, frame) =>
                {
                    if (frame.Text?.StartsWith("{}", StringComparison.Ordinal) == true)
                    {
                        connected.TrySetResult();
                    }
                };
            }
        };
        return connected.Task;
    }

    private static ILocator Message(IPage page, string text) => page.GetByTestId("message").Filter(new() { HasText = text });

    private static async Task SendAsync(IPage page, string text)
    {
        var composer = page.GetByTestId("composer-input");
        await composer.FillAsync(text);
        await composer.PressAsync("Enter");
        await Assertions.Expect(composer).ToHaveValueAsync("");
    }
}
