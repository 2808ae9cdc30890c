using System.Net;
using System.Net.Mail;
using Microsoft.Extensions.Options;
using Atelier.Platform.Data;
using Atelier.Platform.Jobs;

namespace Atelier.Platform.Email;

/// <summary>A plain-text message. <see cref="Link"/> is the action the message carries (written to the log in pickup mode).</summary>
public sealed record EmailMessage(string To, string Subject, string Body, string? Link = null);

/// <summary>Queues mail as a durable job, so a failing SMTP server never fails the request that caused the mail.</summary>
public sealed class EmailOutbox(JobQueue queue)
{
    public const string JobKind = "email.send";

    public void Enqueue(AppDb db, EmailMessage message) => queue.Enqueue(db, JobKind, message);
}

internal sealed class SendEmailJob(IOptions<AtelierOptions> options, ILogger<SendEmailJob> logger) : JobHandler<EmailMessage>
{
    public override string Kind => EmailOutbox.JobKind;

    public static string PickupFolder(AtelierOptions o) => Path.Combine(o.FullDataPath, "mail");

    protected override async Task HandleAsync(EmailMessage message, CancellationToken ct)
    {
        var o = options.Value;
        using var mail = new MailMessage(MailAddress(o.Smtp.From), new MailAddress(message.To))
        {
            Subject = message.Subject,
            Body = message.Body,
            BodyEncoding = System.Text.Encoding.UTF8,
            SubjectEncoding = System.Text.Encoding.UTF8,
        };
        using var client = new SmtpClient();
        if (string.IsNullOrWhiteSpace(o.Smtp.Host))
        {
            var folder = PickupFolder(o);
            Directory.CreateDirectory(folder);
            client.DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory;
            client.PickupDirectoryLocation = folder;
            await client.SendMailAsync(mail, ct);
            logger.LogInformation("Mail to {To} written to {Folder}: {Subject} {Link}", message.To, folder, message.Subject, message.Link);
            return;
        }
        client.Host = o.Smtp.Host;
        client.Port = o.Smtp.Port;
        client.EnableSsl = o.Smtp.EnableSsl;
        if (!string.IsNullOrEmpty(o.Smtp.Username))
        {
            client.Credentials = new NetworkCredential(o.Smtp.Username, o.Smtp.Password);
        }
        await client.SendMailAsync(mail, ct);
        logger.LogInformation("Mail to {To} sent over SMTP: {Subject}", message.To, message.Subject);
    }

    private static MailAddress MailAddress(string from) => new(from);
}

internal static class EmailExtensions
{
    public static IHostApplicationBuilder AddEmail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EmailOutbox>();
        builder.Services.AddSingleton<IJobHandler, SendEmailJob>();
        return builder;
    }
}
