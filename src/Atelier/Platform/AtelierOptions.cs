using System.ComponentModel.DataAnnotations;

namespace Atelier.Platform;

/// <summary>The <c>Atelier</c> configuration section.</summary>
public sealed class AtelierOptions
{
    public const string Section = "Atelier";

    /// <summary>Folder for the SQLite file, media, mail pickup and keys. Relative paths resolve against the working directory.</summary>
    public string DataPath { get; set; } = "data";

    /// <summary>Absolute URL the site is reached at; used in emails, feeds and canonical links.</summary>
    public string PublicUrl { get; set; } = "http://localhost:8080";

    public DatabaseOptions Database { get; set; } = new();
    public SmtpOptions Smtp { get; set; } = new();
    public AuthOptions Auth { get; set; } = new();
    public RateLimitOptions RateLimits { get; set; } = new();
    public ProxyOptions Proxy { get; set; } = new();
    public Storage.StorageOptions Storage { get; set; } = new();
    public Features.Media.MediaOptions Media { get; set; } = new();
    public Features.Messenger.ChatOptions Chat { get; set; } = new();

    public string FullDataPath => Path.GetFullPath(DataPath);
}

public enum DatabaseProvider { Sqlite, Postgres }

public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations when the server starts (several instances may start at once; EF takes a lock).</summary>
    public bool MigrateOnStartup { get; set; } = true;
}

public sealed class SmtpOptions
{
    /// <summary>When empty, mail is written as .eml files to <c>{DataPath}/mail</c>.</summary>
    public string? Host { get; set; }
    [Range(1, 65535)] public int Port { get; set; } = 587;
    public string? Username { get; set; }
    public string? Password { get; set; }
    public bool EnableSsl { get; set; } = true;
    public string From { get; set; } = "Atelier <no-reply@localhost>";
}

public sealed class AuthOptions
{
    /// <summary>Lifetime of a JWT access token.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Lifetime of a refresh token (each refresh issues a new one).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Failed sign-ins before the account is locked.</summary>
    [Range(1, 100)] public int MaxFailedAttempts { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}

public sealed class RateLimitOptions
{
    /// <summary>Requests a minute per client IP (or signed-in user) across the site. 0 disables.</summary>
    [Range(0, int.MaxValue)] public int GlobalPerMinute { get; set; } = 1200;

    /// <summary>Requests a minute per client IP to <c>/api/v1/auth/*</c> and the sign-in forms. 0 disables.</summary>
    [Range(0, int.MaxValue)] public int AuthPerMinute { get; set; } = 20;
}

public sealed class ProxyOptions
{
    /// <summary>Networks (CIDR) whose X-Forwarded-* headers are trusted. Loopback is always trusted.</summary>
    public string[] KnownNetworks { get; set; } = [];
}
