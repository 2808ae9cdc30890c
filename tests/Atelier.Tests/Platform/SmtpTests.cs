using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Atelier.Platform.Data;
using Atelier.Platform.Jobs;

namespace Atelier.Tests.Platform;

/// <summary>Mail over real SMTP when <c>Atelier:Smtp:Host</c> is set, and a dead SMTP server never failing a request.</summary>
public sealed class SmtpTests : IAsyncLifetime
{
    private readonly SmtpSink _sink = new();
    private SmtpApp? _app;

    private sealed class SmtpApp(int port) : AtelierFactory(Db.Sqlite)
    {
        protected override IDictionary<string, string?> Settings()
        {
            var s = base.Settings();
            s["Atelier:Smtp:Host"] = "127.0.0.1";
            s["Atelier:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            s["Atelier:Smtp:EnableSsl"] = "false";
            s["Atelier:Smtp:From"] = "Atelier <hello@atelier.test>";
            return s;
        }
    }

    public async ValueTask InitializeAsync()
    {
        _app = new SmtpApp(_sink.Port);
        await _app.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app!.DisposeAsync();
        await _sink.DisposeAsync();
    }

    [Fact]
    public async Task Register_DeliversTheConfirmationOverSmtp()
    {
        var client = _app!.CreateClient();
        (await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "smtp@example.org", password = "password 123", displayName = "Smtp" }))
            .StatusCode.ShouldBe(HttpStatusCode.Accepted);

        for (var i = 0; i < 100 && _sink.Messages.IsEmpty; i++)
        {
            await Task.Delay(100);
        }
        _sink.Messages.TryDequeue(out var message).ShouldBeTrue("no message reached the SMTP server");
        message.From.ShouldContain("hello@atelier.test");
        message.To.ShouldContain("<smtp@example.org>");
        var split = message.Data.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var body = message.Data[(split + 4)..];
        if (message.Data[..split].Contains("base64", StringComparison.OrdinalIgnoreCase))
        {
            body = Encoding.UTF8.GetString(Convert.FromBase64String(body.Replace("\r\n", "", StringComparison.Ordinal)));
        }
        Regex.IsMatch(body, @"http://atelier\.test/account/confirm-email\?userId=[0-9a-f-]{36}&code=").ShouldBeTrue(body);
        Directory.Exists(_app.MailFolder).ShouldBeFalse("SMTP mode must not also write pickup files");
    }

    [Fact]
    public async Task UnreachableSmtpServer_DoesNotFailTheRequest_AndTheMailWaitsForARetry()
    {
        await using var down = new SmtpApp(ClosedPort());
        await down.InitializeAsync();
        var client = down.CreateClient();
        (await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "later@example.org", password = "password 123", displayName = "Later" }))
            .StatusCode.ShouldBe(HttpStatusCode.Accepted);

        Job? job = null;
        for (var i = 0; i < 100 && job?.LastError is null; i++)
        {
            await Task.Delay(100);
            using var scope = down.Services.CreateScope();
            job = await scope.ServiceProvider.GetRequiredService<AppDb>().Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Kind == "email.send");
        }
        job.ShouldNotBeNull();
        job.LastError.ShouldNotBeNull();
        job.Status.ShouldNotBe(JobStatus.Succeeded);
        job.Status.ShouldNotBe(JobStatus.Dead); // eight attempts with growing delays, far from used up
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
