using Microsoft.Extensions.Options;

namespace Atelier.Platform;

/// <summary>Start-up checks of the configuration, each failure naming the key to fix.</summary>
internal sealed class AtelierOptionsValidator(IConfiguration configuration) : IValidateOptions<AtelierOptions>
{
    public ValidateOptionsResult Validate(string? name, AtelierOptions o)
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var url) || (url.Scheme != "http" && url.Scheme != "https"))
        {
            errors.Add($"Atelier:PublicUrl must be an absolute http(s) URL, not '{o.PublicUrl}'.");
        }
        if (string.IsNullOrWhiteSpace(o.DataPath))
        {
            errors.Add("Atelier:DataPath must not be empty.");
        }
        if (o.Database.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(configuration.GetConnectionString("Atelier")))
        {
            errors.Add("ConnectionStrings:Atelier is required when Atelier:Database:Provider is Postgres.");
        }
        if (!string.IsNullOrWhiteSpace(o.Smtp.Host) && o.Smtp.Port is < 1 or > 65535)
        {
            errors.Add("Atelier:Smtp:Port must be between 1 and 65535.");
        }
        try
        {
            _ = new System.Net.Mail.MailAddress(o.Smtp.From);
        }
        catch (FormatException)
        {
            errors.Add($"Atelier:Smtp:From is not a valid address: '{o.Smtp.From}'.");
        }
        if (o.Auth.AccessTokenLifetime <= TimeSpan.Zero || o.Auth.RefreshTokenLifetime <= TimeSpan.Zero)
        {
            errors.Add("Atelier:Auth token lifetimes must be positive.");
        }
        if (o.Auth.MaxFailedAttempts < 1)
        {
            errors.Add("Atelier:Auth:MaxFailedAttempts must be at least 1.");
        }
        if (o.RateLimits.GlobalPerMinute < 0 || o.RateLimits.AuthPerMinute < 0)
        {
            errors.Add("Atelier:RateLimits values must be 0 (off) or more.");
        }
        foreach (var network in o.Proxy.KnownNetworks)
        {
            if (!System.Net.IPNetwork.TryParse(network, out _))
            {
                errors.Add($"Atelier:Proxy:KnownNetworks has an invalid CIDR network: '{network}'.");
            }
        }
        if (o.Chat.SendsPer10Seconds < 1)
        {
            errors.Add("Atelier:Chat:SendsPer10Seconds must be at least 1.");
        }
        var key = configuration["Atelier:Auth:SigningKey"];
        if (!string.IsNullOrWhiteSpace(key) && !IsKey(key))
        {
            errors.Add("Atelier:Auth:SigningKey must be base64 of at least 32 bytes (e.g. `openssl rand -base64 48`).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsKey(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out var written) && written >= 32;
    }
}
